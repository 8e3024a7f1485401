package lint

import (
	"bytes"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/inputguard"
)

// Detect tells which kind of file name is, from its location first and its
// shape second:
//   - a .yaml/.yml file under .codecatalyst/workflows/, or a YAML mapping
//     with top-level SchemaVersion and Actions: CodeCatalyst;
//   - a file named buildspec*.yml/.yaml, or a mapping with top-level version
//     and phases: Buildspec;
//   - a mapping (normally JSON) with a top-level "pipeline" mapping: Pipeline.
func Detect(name string, src []byte) Kind {
	slash := filepath.ToSlash(name)
	ext := strings.ToLower(filepath.Ext(slash))
	yamlExt := ext == ".yaml" || ext == ".yml"
	if yamlExt && (strings.Contains(slash, ".codecatalyst/workflows/") || strings.HasPrefix(slash, ".codecatalyst/workflows/")) {
		return CodeCatalyst
	}
	if yamlExt && strings.HasPrefix(strings.ToLower(filepath.Base(slash)), "buildspec") {
		return Buildspec
	}
	if n, _, _ := inputguard.YAMLNodes(src, MaxNodes); n > MaxNodes {
		// Too large to parse (Bytes reports it): tell by the top-level keys.
		return detectByKeys(src)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		// Not parsable (Bytes reports why): tell by the top-level keys.
		return detectByKeys(src)
	}
	root := resolve(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return Unknown
	}
	has := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		has[root.Content[i].Value] = resolve(root.Content[i+1])
	}
	switch {
	case has["SchemaVersion"] != nil && has["Actions"] != nil:
		return CodeCatalyst
	case has["version"] != nil && has["phases"] != nil:
		return Buildspec
	case has["pipeline"] != nil && has["pipeline"].Kind == yaml.MappingNode:
		return Pipeline
	}
	return Unknown
}

// detectByKeys tells the kind of a file that cannot be parsed (too large,
// too deep, a syntax error) from its unindented "key:" lines (YAML) or a
// "pipeline" key near its start (JSON).
func detectByKeys(src []byte) Kind {
	has := map[string]bool{}
	for line := range bytes.Lines(src) {
		if k, _, ok := bytes.Cut(line, []byte(":")); ok && len(k) > 0 && k[0] != ' ' && k[0] != '\t' && k[0] != '#' {
			has[string(bytes.Trim(k, `"' `))] = true
		}
	}
	head := src[:min(len(src), 1024)]
	switch {
	case has["SchemaVersion"] && has["Actions"]:
		return CodeCatalyst
	case has["version"] && has["phases"]:
		return Buildspec
	case has["pipeline"] || bytes.Contains(head, []byte(`"pipeline"`)):
		return Pipeline
	}
	return Unknown
}
