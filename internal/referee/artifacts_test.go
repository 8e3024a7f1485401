package referee

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that keeps the errors reported to it.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestArtifactCopiesWithUnsetVariables(t *testing.T) {
	tests := []struct {
		line           string
		unguarded, bad bool
	}{
		{`      - mkdir -p 'dist' && cp -R "${CODEBUILD_SRC_DIR_web:?artifact web was not produced}/." 'dist'/`, false, false},
		{`            mkdir -p './coverage' && { [ "${CATALYST_SOURCE_DIR_c:?artifact c was not produced}"/'coverage'/ -ef './coverage' ] || cp -R "${CATALYST_SOURCE_DIR_c:?artifact c was not produced}"/'coverage'/. './coverage'; }`, false, false},
		// The defect this guards against: unset, "$VAR/." is "/.".
		{`      - mkdir -p out && cp -R "$CODEBUILD_SRC_DIR_web/etc/hostname" out/`, true, true},
		{`      - cp -R "${CATALYST_SOURCE_DIR_x}/etc/hostname" .`, true, true},
	}
	for _, tt := range tests {
		lines, unguarded := ArtifactLines([]byte("version: 0.2\n" + tt.line + "\n"))
		if len(lines) != 1 {
			t.Fatalf("%s: found %d artifact lines, want 1", tt.line, len(lines))
		}
		if got := len(unguarded) == 1; got != tt.unguarded {
			t.Errorf("%s: unguarded %v, want %v", tt.line, got, tt.unguarded)
		}
		r := &recorder{TB: t}
		RunUnsetArtifact(r, tt.line)
		if got := len(r.errs) > 0; got != tt.bad {
			t.Errorf("%s: run reported %q, want a failure: %v", tt.line, r.errs, tt.bad)
		}
	}
}
