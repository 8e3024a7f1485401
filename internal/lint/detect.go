package lint

import (
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
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
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return Unknown
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
