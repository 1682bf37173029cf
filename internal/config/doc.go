// Package config loads mispbump's settings and stores its MISP API key.
//
// Settings come, highest priority first, from command-line flags,
// environment variables (MISPBUMP_MISP_URL, with MISP_URL as the fallback
// that MISP tooling commonly uses), a YAML file (--config, or config.yaml
// in the user's config directory) and built-in defaults. viper does the
// merging.
//
// The API key never lives in the YAML file. It comes from, in order: the
// MISPBUMP_MISP_KEY or MISP_KEY environment variable, the file named by
// --misp-key-file (or misp.key_file), and the key store: the OS keyring
// where one answers, otherwise a file readable only by the user. KeyStore
// reports which of the two it used so the app can say so.
package config
