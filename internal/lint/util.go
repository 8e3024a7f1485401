package lint

import (
	"slices"
	"strings"
)

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func join(list []string) string { return strings.Join(list, ", ") }

func upper(s string) string { return strings.ToUpper(s) }
