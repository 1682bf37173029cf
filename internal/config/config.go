package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/mispbump/mispbump/internal/atomicfile"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
	"github.com/mispbump/mispbump/internal/version"
)

// Config is the effective configuration of one mispbump instance.
type Config struct {
	// MISPURL is the base URL of the admin's own MISP.
	MISPURL string
	// Key is the admin's MISP API key. It is never written to the YAML file.
	Key secret.Key
	// KeySource names where Key came from ("MISPBUMP_MISP_KEY", "file
	// /path", "OS keyring", ...) for messages; empty when no key is set.
	KeySource string
	// KeyFile is a file holding the API key (misp.key_file, --misp-key-file).
	KeyFile string
	// KeyProblem is why the key could not be read (a missing key file);
	// MISPClient returns it. Commands that need no key ignore it.
	KeyProblem error
	// CAFile is a PEM bundle of extra CAs that sign the MISP's certificate.
	CAFile string
	// PinSHA256 is the SHA-256 fingerprint of the MISP's certificate for a
	// self-signed server; nil when the certificate chains to a trusted CA.
	PinSHA256 []byte
	// Timeout bounds each MISP request. Default 30 s.
	Timeout time.Duration
	// Pull and Push are the sync directions this side requests by default.
	Pull, Push bool
	// SyncEmail is the e-mail the partner should give the sync user it
	// creates for us; empty means "derive from the admin's own e-mail".
	SyncEmail string
	// DataDir holds the history and state. Default: the user's data
	// directory plus "mispbump".
	DataDir string
	// File is the YAML file the settings were read from or will be saved
	// to.
	File string
	// LogLevel is debug, info, warn or error. Default warn.
	LogLevel string

	// inFile contains the settings written in the YAML file, so that Save keeps
	// settings that came from flags, the environment or the defaults
	// out of the file.
	inFile fileSettings
}

// Setting names, as used in the YAML file and by viper.
const (
	keyURL       = "misp.url"
	keyKeyFile   = "misp.key_file"
	keyCAFile    = "misp.ca_file"
	keyPin       = "misp.pin_sha256"
	keyTimeout   = "misp.timeout"
	keyPull      = "sync.pull"
	keyPush      = "sync.push"
	keySyncEmail = "sync.email"
	keyDataDir   = "data_dir"
	keyLogLevel  = "log_level"
)

// Environment variables for the URL and key, each in priority order.
var (
	urlEnv = []string{"MISPBUMP_MISP_URL", "MISP_URL"}
	keyEnv = []string{"MISPBUMP_MISP_KEY", "MISP_KEY"}
)

// Flags registers the configuration flags on fs: --config, --misp-url,
// --misp-key-file, --misp-ca-file, --misp-pin and --data-dir.
func Flags(fs *pflag.FlagSet) {
	fs.String("config", "", "YAML configuration file (default: config.yaml in the user's config directory)")
	fs.String("misp-url", "", "base URL of your MISP, e.g. https://misp.example.org")
	fs.String("misp-key-file", "", "file that holds your MISP API key")
	fs.String("misp-ca-file", "", "PEM file with the CA that issued your MISP's certificate, for a private CA")
	fs.String("misp-pin", "", "SHA-256 fingerprint of your MISP's self-signed certificate (login saves it)")
	fs.String("data-dir", "", "directory for the bump history and state")
}

// Load reads the configuration from the flags in fs (which may be nil),
// the environment, the YAML file and the defaults, then resolves the API
// key. A missing key is not an error here: commands that need MISP check
// Config.Key themselves and say how to set it.
func Load(fs *pflag.FlagSet, store KeyStore) (*Config, error) {
	v := viper.New()
	setDefaults(v)
	for _, b := range []struct{ key, flag string }{
		{keyURL, "misp-url"}, {keyKeyFile, "misp-key-file"}, {keyDataDir, "data-dir"},
		{keyCAFile, "misp-ca-file"}, {keyPin, "misp-pin"},
	} {
		if fs == nil || fs.Lookup(b.flag) == nil {
			continue
		}
		if err := v.BindPFlag(b.key, fs.Lookup(b.flag)); err != nil {
			return nil, fmt.Errorf("bind flag --%s: %w", b.flag, err)
		}
	}
	if err := v.BindEnv(append([]string{keyURL}, urlEnv...)...); err != nil {
		return nil, fmt.Errorf("bind environment for %s: %w", keyURL, err)
	}

	file, explicit := configFile(fs)
	if err := readFile(v, file, explicit); err != nil {
		return nil, err
	}
	cfg, err := fromViper(v)
	if err != nil {
		return nil, fmt.Errorf("%w (check the flags, the MISPBUMP_ and MISP_ environment variables, and %s)", err, file)
	}
	cfg.File = file
	cfg.inFile = readFileSettings(file)
	// A pin and a CA file exclude each other, so one given as a flag
	// replaces the other from the file or the environment.
	if flagChanged(fs, "misp-pin") && !flagChanged(fs, "misp-ca-file") {
		cfg.CAFile = ""
	}
	if flagChanged(fs, "misp-ca-file") && !flagChanged(fs, "misp-pin") {
		cfg.PinSHA256 = nil
	}
	keyFileFlag := fs != nil && fs.Lookup("misp-key-file") != nil && fs.Changed("misp-key-file")
	if err := cfg.resolveKey(store, keyFileFlag); err != nil {
		return nil, err
	}
	return cfg, nil
}

func setDefaults(v *viper.Viper) {
	v.SetDefault(keyTimeout, "30s")
	v.SetDefault(keyPull, true)
	v.SetDefault(keyPush, true)
	v.SetDefault(keyLogLevel, "warn")
	v.SetDefault(keyDataDir, DefaultDataDir())
}

// configFile returns the file to read and whether the user named it.
func configFile(fs *pflag.FlagSet) (string, bool) {
	if fs != nil {
		if f := fs.Lookup("config"); f != nil && f.Value.String() != "" {
			return f.Value.String(), true
		}
	}
	if env := os.Getenv("MISPBUMP_CONFIG"); env != "" {
		return env, true
	}
	return filepath.Join(DefaultConfigDir(), "config.yaml"), false
}

func readFile(v *viper.Viper, file string, explicit bool) error {
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	err := v.ReadInConfig()
	if err == nil {
		return nil
	}
	if !explicit && errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var notFound viper.ConfigFileNotFoundError
	if !explicit && errors.As(err, &notFound) {
		return nil
	}
	return fmt.Errorf("read configuration %s: %w", secret.Quote(file), unwrapPath(err))
}

func fromViper(v *viper.Viper) (*Config, error) {
	cfg := &Config{
		MISPURL:   strings.TrimSpace(v.GetString(keyURL)),
		KeyFile:   v.GetString(keyKeyFile),
		CAFile:    v.GetString(keyCAFile),
		Pull:      v.GetBool(keyPull),
		Push:      v.GetBool(keyPush),
		SyncEmail: strings.TrimSpace(v.GetString(keySyncEmail)),
		DataDir:   v.GetString(keyDataDir),
		LogLevel:  v.GetString(keyLogLevel),
	}
	timeout, err := time.ParseDuration(v.GetString(keyTimeout))
	if err != nil || timeout <= 0 {
		return nil, fmt.Errorf("invalid %s %s: use a duration such as 30s", keyTimeout, secret.Quote(v.GetString(keyTimeout)))
	}
	cfg.Timeout = timeout
	if pin := v.GetString(keyPin); pin != "" {
		cfg.PinSHA256, err = ParsePin(pin)
		if err != nil {
			return nil, err
		}
	}
	if cfg.MISPURL != "" {
		if err := CheckURL(cfg.MISPURL); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(cfg.DataDir) == "" {
		return nil, errors.New("the data directory is empty: give --data-dir a directory, or leave it out for the default")
	}
	return cfg, nil
}

// CheckURL reports whether raw is an absolute http or https URL with a
// host, the only form MISP base URLs take.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("invalid MISP URL %s: use the form https://misp.example.org", secret.Quote(raw))
	}
	return nil
}

// ParsePin decodes a SHA-256 certificate fingerprint written as 64 hex
// digits, optionally separated by colons or spaces (the form browsers
// and openssl print).
func ParsePin(s string) ([]byte, error) {
	clean := strings.TrimSpace(s)
	if i := strings.LastIndex(clean, "="); i >= 0 {
		// openssl x509 -fingerprint prints "sha256 Fingerprint=AB:CD:...".
		clean = clean[i+1:]
	}
	if len(clean) > 7 && strings.EqualFold(clean[:7], "sha256:") {
		clean = clean[7:]
	}
	clean = strings.NewReplacer(":", "", " ", "", "-", "").Replace(clean)
	pin, err := hex.DecodeString(clean)
	if err != nil || len(pin) != 32 {
		return nil, fmt.Errorf("invalid certificate pin %s: expected a SHA-256 fingerprint of 64 hex digits", secret.Quote(s))
	}
	return pin, nil
}

// FormatPin writes a fingerprint as colon-separated upper-case hex pairs.
func FormatPin(pin []byte) string {
	parts := make([]string, len(pin))
	for i, b := range pin {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// fileSettings is the YAML layout of the configuration file.
type fileSettings struct {
	MISP struct {
		URL       string `yaml:"url,omitempty"`
		KeyFile   string `yaml:"key_file,omitempty"`
		CAFile    string `yaml:"ca_file,omitempty"`
		PinSHA256 string `yaml:"pin_sha256,omitempty"`
		Timeout   string `yaml:"timeout,omitempty"`
	} `yaml:"misp"`
	Sync struct {
		Pull  bool   `yaml:"pull"`
		Push  bool   `yaml:"push"`
		Email string `yaml:"email,omitempty"`
	} `yaml:"sync"`
	DataDir  string `yaml:"data_dir,omitempty"`
	LogLevel string `yaml:"log_level,omitempty"`
}

// readFileSettings returns the settings written in file, or none when it
// is missing or unreadable (Load has reported that already).
func readFileSettings(file string) fileSettings {
	var s fileSettings
	if data, err := os.ReadFile(file); err == nil {
		_ = yaml.Unmarshal(data, &s)
	}
	return s
}

// Save writes the settings (never the key) to c.File with mode 0600,
// atomically, creating the directory with mode 0700.
func (c *Config) Save() error {
	var s fileSettings
	s.MISP.URL = c.MISPURL
	// A key file given with --misp-key-file is for one run; only one the
	// file itself named stays.
	s.MISP.KeyFile = c.inFile.MISP.KeyFile
	s.MISP.CAFile = c.CAFile
	if c.PinSHA256 != nil {
		s.MISP.PinSHA256 = FormatPin(c.PinSHA256)
	}
	if c.Timeout > 0 {
		s.MISP.Timeout = c.Timeout.String()
	}
	s.Sync.Pull, s.Sync.Push, s.Sync.Email = c.Pull, c.Push, c.SyncEmail
	// The data directory and the log level are usually given for one run
	// (--data-dir, --log-level) or follow XDG_DATA_HOME; writing them
	// would freeze them for every later run.
	s.DataDir = c.inFile.DataDir
	s.LogLevel = c.inFile.LogLevel

	data, err := yaml.Marshal(&s)
	if err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	if err := atomicfile.Write(c.File, data, 0o600); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	return nil
}

// MISPClient builds the client for the configured MISP, or names the
// missing setting.
func (c *Config) MISPClient(logger *slog.Logger) (*misp.Client, error) {
	if c.MISPURL == "" {
		return nil, errors.New("no MISP URL configured: pass --misp-url, set MISPBUMP_MISP_URL, or run 'mispbump login'")
	}
	if c.Key.IsZero() && c.KeyProblem != nil {
		return nil, fmt.Errorf("%w: fix the key file setting, or run 'mispbump login'", c.KeyProblem)
	}
	if c.Key.IsZero() {
		return nil, fmt.Errorf("no API key for %s: set MISPBUMP_MISP_KEY, pass --misp-key-file, or run 'mispbump login'", secret.Quote(c.MISPURL))
	}
	if err := c.checkTLSSettings(); err != nil {
		return nil, err
	}
	return misp.New(misp.Config{
		URL:       c.MISPURL,
		Key:       c.Key,
		CAFile:    c.CAFile,
		PinSHA256: c.PinSHA256,
		Timeout:   c.Timeout,
		Logger:    logger,
		UserAgent: version.UserAgent(),
	})
}

// checkTLSSettings rejects a certificate pin or CA file for a plain http
// URL, where no certificate is ever checked, so that the admin does not
// believe the connection is pinned.
func (c *Config) checkTLSSettings() error {
	u, err := url.Parse(c.MISPURL)
	if err != nil || u.Scheme != "http" {
		return nil
	}
	switch {
	case c.PinSHA256 != nil:
		return fmt.Errorf("a certificate pin is set for %s, but a plain http URL has no certificate to check: "+
			"use the https URL, or remove the pin", secret.Quote(c.MISPURL))
	case c.CAFile != "":
		return fmt.Errorf("a CA file is set for %s, but a plain http URL has no certificate to check: "+
			"use the https URL, or remove the CA file", secret.Quote(c.MISPURL))
	}
	return nil
}

// flagChanged reports whether the flag name was given on the command line.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	return fs != nil && fs.Lookup(name) != nil && fs.Changed(name)
}
