package referee

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// artifactVar matches an expansion of a target's artifact directory
// variable: $CODEBUILD_SRC_DIR_x, ${CODEBUILD_SRC_DIR_x...},
// $CATALYST_SOURCE_DIR_x, ${CATALYST_SOURCE_DIR_x...}.
var artifactVar = regexp.MustCompile(`\$\{?(CODEBUILD_SRC_DIR_|CATALYST_SOURCE_DIR_)[A-Za-z0-9_]*(:\?)?`)

// ArtifactLines returns the lines of a generated file that expand an
// artifact directory variable, and those among them where an expansion is
// not guarded by ${VAR:?...}: unset, it would turn "$VAR/." into "/.".
func ArtifactLines(data []byte) (lines, unguarded []string) {
	for l := range strings.Lines(string(data)) {
		ms := artifactVar.FindAllStringSubmatch(l, -1)
		if len(ms) == 0 {
			continue
		}
		l = strings.TrimRight(l, "\n")
		lines = append(lines, l)
		for _, m := range ms {
			if !strings.HasPrefix(m[0], "${") || m[2] == "" {
				unguarded = append(unguarded, l)
				break
			}
		}
	}
	return lines, unguarded
}

// RunUnsetArtifact runs one generated shell command (a YAML line: a leading
// "- " is removed; quoted YAML scalars are skipped) with bash in a fresh
// workspace, no artifact variable set and a private HOME and TMPDIR. It
// fails the test when the command succeeds or leaves any file in the
// workspace (directories it made are fine): with its artifact missing, a
// copy must stop, not copy something else.
func RunUnsetArtifact(t testing.TB, line string) {
	t.Helper()
	cmd := strings.TrimSpace(line)
	cmd = strings.TrimPrefix(cmd, "- ")
	if cmd == "" || strings.HasPrefix(cmd, "'") || strings.HasPrefix(cmd, `"`) || strings.HasPrefix(cmd, "#") {
		return
	}
	root := t.TempDir()
	ws := filepath.Join(root, "ws")
	for _, d := range []string{ws, filepath.Join(root, "home"), filepath.Join(root, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := exec.Command("bash", "-c", cmd)
	c.Dir = ws
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(root, "home"), "TMPDIR=" + filepath.Join(root, "tmp")}
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err == nil {
		t.Errorf("with its artifact variable unset, this command succeeded; it must fail:\n%s", cmd)
	}
	var files []string
	filepath.WalkDir(ws, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) > 0 {
		t.Errorf("with its artifact variable unset, this command wrote %d files into the workspace (first %s):\n%s", len(files), files[0], cmd)
	}
}
