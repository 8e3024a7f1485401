package lint

import (
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

var yamlErrLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

// syntaxNode turns the "line N" yaml.v3 puts in its error messages into a
// position (column 1 when it gives none).
func syntaxNode(err error) *yaml.Node {
	m := yamlErrLine.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	line, _ := strconv.Atoi(m[1])
	col := 1
	if m[2] != "" {
		col, _ = strconv.Atoi(m[2])
	}
	return &yaml.Node{Line: line, Column: col}
}
