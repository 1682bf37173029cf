// Package e2e runs the built mispbump binary as an admin would: two or
// three simulated MISP servers as separate `mispbump sim` processes on
// loopback, and `mispbump bump` processes exchanging codes through
// directories. docs/e2e.md says what these tests cover and what they do
// not.
package e2e
