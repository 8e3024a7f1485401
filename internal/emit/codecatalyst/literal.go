package codecatalyst

import (
	"regexp"
	"strings"
)

// refLike matches the start of text CodeCatalyst reads as a variable
// reference, ${Name.Name}: a JavaScript template such as ${context.sha} in an
// actions/github-script step looks the same.
var refLike = regexp.MustCompile(`\$\{[A-Za-z0-9_-]+\.`)

// hasRefLike reports whether literal text would be read as a CodeCatalyst
// variable reference.
func hasRefLike(s string) bool {
	return strings.Contains(s, "${") && refLike.MatchString(s)
}

// escapeForRunner keeps literal text of a GitHub Actions runner step from
// being read as a CodeCatalyst reference: CodeCatalyst sees ${{ '$' }}{…,
// which is no reference, and the runner evaluates ${{ '$' }} back to the
// dollar sign before the step runs.
func escapeForRunner(s string) string {
	if !hasRefLike(s) {
		return s
	}
	return refLike.ReplaceAllStringFunc(s, func(m string) string { return "${{ '$' }}" + m[1:] })
}
