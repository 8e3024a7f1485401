// Package gitremote finds the GitHub repository a directory belongs to,
// from the URL of the git remote "origin" in the repository's config
// (read as a file: no git binary is needed).
package gitremote

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/actionport/actionport/internal/fsutil"
)

// maxConfigBytes bounds what is read of a git config file.
const maxConfigBytes = 1 << 20

// GitHubRepository returns the "owner/name" of the github.com repository
// that the remote "origin" of the git repository holding dir points to.
// ok is false when dir is in no git repository, origin is not set, or it
// is not on github.com.
func GitHubRepository(dir string) (repo string, ok bool) {
	cfg := configFile(dir)
	if cfg == "" {
		return "", false
	}
	data, err := readLimited(cfg)
	if err != nil {
		return "", false
	}
	return parseGitHubURL(originURL(data))
}

// configFile is the config of the git repository holding dir ("" if none):
// .git/config, or for a worktree or submodule (.git is a file naming the
// git directory) that directory's config, or its common directory's.
func configFile(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		dotgit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotgit); err == nil {
			gitDir := dotgit
			if !fi.IsDir() {
				b, err := readLimited(dotgit)
				if err != nil {
					return ""
				}
				p, found := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
				if !found {
					return ""
				}
				gitDir = resolve(d, strings.TrimSpace(p))
			}
			if b, err := readLimited(filepath.Join(gitDir, "commondir")); err == nil {
				gitDir = resolve(gitDir, strings.TrimSpace(string(b)))
			}
			return filepath.Join(gitDir, "config")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

func resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

func readLimited(path string) ([]byte, error) {
	return fsutil.ReadLimited(path, maxConfigBytes)
}

// originURL returns the url of [remote "origin"] in a git config file.
func originURL(data []byte) string {
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			name := strings.Join(strings.Fields(strings.Trim(line, "[]")), " ")
			in = strings.EqualFold(name, `remote "origin"`)
			continue
		}
		if !in {
			continue
		}
		k, v, found := strings.Cut(line, "=")
		if found && strings.EqualFold(strings.TrimSpace(k), "url") {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// githubURL matches the HTTPS, SSH and scp-like forms of a github.com URL.
var githubURL = regexp.MustCompile(`^(?:https?://(?:[^@/]+@)?github\.com/|ssh://git@github\.com/|git@github\.com:)([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)(?:\.git)?/?$`)

// parseGitHubURL returns "owner/name" of a github.com remote URL.
func parseGitHubURL(u string) (string, bool) {
	m := githubURL.FindStringSubmatch(u)
	if m == nil || m[2] == "." || m[2] == ".." {
		return "", false
	}
	return m[1] + "/" + m[2], true
}
