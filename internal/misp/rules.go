package misp

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// RuleFilter is an OR/NOT pair of filter values. In push rules the values
// are local tag or organisation ids. Pull rules send them to the remote as
// tag or org filters, so there they are names or the remote's ids.
type RuleFilter struct {
	OR  []string `json:"OR"`
	NOT []string `json:"NOT"`
}

// NotFilter lists excluded values only.
type NotFilter struct {
	NOT []string `json:"NOT"`
}

// PushRules is the push_rules document of a server entry.
type PushRules struct {
	Tags RuleFilter `json:"tags"`
	Orgs RuleFilter `json:"orgs"`
}

// PullRules is the pull_rules document of a server entry. URLParams is
// itself a JSON document of extra filters, as a string.
type PullRules struct {
	Tags           RuleFilter `json:"tags"`
	Orgs           RuleFilter `json:"orgs"`
	TypeAttributes NotFilter  `json:"type_attributes"`
	TypeObjects    NotFilter  `json:"type_objects"`
	URLParams      string     `json:"url_params"`
}

// DefaultPushRules returns push rules that filter nothing, the same that
// MISP 2.5.1 stores when servers/add gets none.
func DefaultPushRules() PushRules {
	return PushRules{}
}

// DefaultPullRules returns pull rules that filter nothing, the same that
// MISP 2.5.1 stores when servers/add gets none.
func DefaultPullRules() PullRules {
	return PullRules{}
}

// JSON encodes the rules as MISP stores them, with empty lists as []
// rather than null.
func (r PushRules) JSON() string {
	r.Tags = r.Tags.filled()
	r.Orgs = r.Orgs.filled()
	return mustJSON(r)
}

// JSON encodes the rules as MISP stores them, with empty lists as []
// rather than null.
func (r PullRules) JSON() string {
	r.Tags = r.Tags.filled()
	r.Orgs = r.Orgs.filled()
	r.TypeAttributes.NOT = orEmpty(r.TypeAttributes.NOT)
	r.TypeObjects.NOT = orEmpty(r.TypeObjects.NOT)
	return mustJSON(r)
}

// ParsePushRules reads a server's push_rules. MISP stores "[]" for
// servers made by servers/import; that and "" read as no filters.
func ParsePushRules(text string) (PushRules, error) {
	var r PushRules
	err := parseRules(text, &r)
	return r, err
}

// ParsePullRules reads a server's pull_rules, like ParsePushRules.
func ParsePullRules(text string) (PullRules, error) {
	var r PullRules
	err := parseRules(text, &r)
	return r, err
}

func parseRules(text string, out any) error {
	text = strings.TrimSpace(text)
	if text == "" || text == "[]" {
		return nil
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		return fmt.Errorf("server filter rules are not the JSON document MISP uses: %w", err)
	}
	return nil
}

func (f RuleFilter) filled() RuleFilter {
	return RuleFilter{OR: orEmpty(f.OR), NOT: orEmpty(f.NOT)}
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		// Only strings and slices of strings are encoded, which cannot fail.
		panic("encode server rules: " + err.Error())
	}
	return string(data)
}

// EncodeSubmittedCert prepares a PEM certificate for the submitted_cert
// field of servers/add and servers/edit: MISP base64-decodes the value
// and stores it as the only CA the sync connection trusts. Every
// CERTIFICATE block must parse; other blocks are dropped, and a private
// key is an error, because it must never leave this machine.
func EncodeSubmittedCert(pemData []byte) (string, error) {
	var out []byte
	rest := pemData
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return "", errors.New("certificate file contains a private key: give only the certificate")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", fmt.Errorf("certificate file has an invalid certificate: %w", err)
		}
		out = append(out, pem.EncodeToMemory(block)...)
	}
	if len(out) == 0 {
		return "", errors.New("certificate file contains no PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return base64.StdEncoding.EncodeToString(out), nil
}
