// Package config loads .actionport.yml, the user's answers to what a workflow
// alone cannot say: which compute a runner label means, which AWS
// environment, connection and role a GitHub environment maps to, how secrets
// are named on the target, and which branch is the default.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"

	"gopkg.in/yaml.v3"
)

// DefaultFile is read when --config is not given and the file exists.
const DefaultFile = ".actionport.yml"

// Config is the contents of .actionport.yml.
type Config struct {
	// DefaultBranch is used for schedule triggers (default "main").
	DefaultBranch string `yaml:"default-branch"`
	// Runners maps a runs-on label to a target compute: for CodeCatalyst a fleet
	// such as "Linux.x86-64.XLarge", for CodeBuild a compute type such as
	// "BUILD_GENERAL1_LARGE"; the value "skip" drops jobs on that label.
	Runners map[string]RunnerMap `yaml:"runners"`
	// Actions maps an action reference ("owner/repo" or "owner/repo@ref") to a replacement reference.
	Actions map[string]string `yaml:"actions"`
	// Environments maps a GitHub environment name to the target environment.
	Environments map[string]Environment `yaml:"environments"`
	// Secrets maps a GitHub secret name to the target's secret name or Secrets Manager id.
	Secrets map[string]string `yaml:"secrets"`
	// ProtectedEnvironments is a regular expression; matching environments get an
	// approval gate (default "(?i)prod").
	ProtectedEnvironments string `yaml:"protected-environments"`
	// Connection and Role are the default CodeCatalyst account connection and IAM role.
	Connection string `yaml:"connection"`
	Role       string `yaml:"role"`

	protected *regexp.Regexp
}

// RunnerMap is the target compute for one runner label.
type RunnerMap struct {
	// CodeCatalyst fleet, e.g. Linux.x86-64.2XLarge.
	Fleet string `yaml:"fleet"`
	// CodeBuild environment type and compute type, e.g. LINUX_CONTAINER / BUILD_GENERAL1_LARGE.
	Type        string `yaml:"type"`
	ComputeType string `yaml:"compute-type"`
	Image       string `yaml:"image"`
}

// Environment maps one GitHub environment.
type Environment struct {
	Name       string `yaml:"name"`
	Connection string `yaml:"connection"`
	Role       string `yaml:"role"`
	// Approval forces (true) or suppresses (false) an approval gate.
	Approval *bool `yaml:"approval"`
	// Approvers is the number of approvals required (CodeCatalyst, default 1).
	Approvers int `yaml:"approvers"`
}

// Default returns the configuration used when no file is given.
func Default() *Config {
	c := &Config{}
	if err := c.finish(); err != nil {
		panic(err) // the defaults are constants
	}
	return c
}

// Load reads path. A missing default file is not an error: Default() is returned.
func Load(path string, explicit bool) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return Default(), nil
		}
		return nil, fmt.Errorf("reading config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a configuration; unknown keys are errors.
func Parse(b []byte) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) finish() error {
	if c.DefaultBranch == "" {
		c.DefaultBranch = "main"
	}
	if c.ProtectedEnvironments == "" {
		c.ProtectedEnvironments = "(?i)prod"
	}
	re, err := regexp.Compile(c.ProtectedEnvironments)
	if err != nil {
		return fmt.Errorf("protected-environments: %w", err)
	}
	c.protected = re
	return nil
}

// IsProtected reports whether a GitHub environment gets an approval gate.
func (c *Config) IsProtected(env string) bool {
	if e, ok := c.Environments[env]; ok && e.Approval != nil {
		return *e.Approval
	}
	return c.protected.MatchString(env)
}

// SecretName returns the target name for a GitHub secret.
func (c *Config) SecretName(name string) string {
	if n, ok := c.Secrets[name]; ok && n != "" {
		return n
	}
	return name
}
