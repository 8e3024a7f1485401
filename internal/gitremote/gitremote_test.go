package gitremote

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseGitHubURL(t *testing.T) {
	tests := []struct {
		url, want string
		ok        bool
	}{
		{"https://github.com/octo/app.git", "octo/app", true},
		{"https://github.com/octo/app", "octo/app", true},
		{"https://x-access-token:abc@github.com/octo/app.git", "octo/app", true},
		{"git@github.com:octo/my.app.git", "octo/my.app", true},
		{"ssh://git@github.com/octo/app.git", "octo/app", true},
		{"https://github.com/octo/app/", "octo/app", true},
		{"https://gitlab.com/octo/app.git", "", false},
		{"https://github.com.evil.example/octo/app", "", false},
		{"/srv/git/app.git", "", false},
		{"https://github.com/octo", "", false},
		{"https://github.com/octo/..", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := parseGitHubURL(tc.url)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseGitHubURL(%q) = %q, %v; want %q, %v", tc.url, got, ok, tc.want, tc.ok)
		}
	}
}

func TestGitHubRepository(t *testing.T) {
	const cfg = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/app.git\n[remote \"origin\"]\n\turl = git@github.com:octo/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
	write := func(t *testing.T, p, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("repository", func(t *testing.T) {
		root := t.TempDir()
		write(t, filepath.Join(root, ".git", "config"), cfg)
		sub := filepath.Join(root, ".github", "workflows")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if got, ok := GitHubRepository(sub); got != "octo/app" || !ok {
			t.Errorf("GitHubRepository = %q, %v; want octo/app", got, ok)
		}
	})
	t.Run("worktree", func(t *testing.T) {
		root := t.TempDir()
		main := filepath.Join(root, "main", ".git")
		write(t, filepath.Join(main, "config"), cfg)
		write(t, filepath.Join(main, "worktrees", "wt", "commondir"), "../..\n")
		wt := filepath.Join(root, "wt")
		write(t, filepath.Join(wt, ".git"), "gitdir: "+filepath.Join(main, "worktrees", "wt")+"\n")
		if got, ok := GitHubRepository(wt); got != "octo/app" || !ok {
			t.Errorf("GitHubRepository = %q, %v; want octo/app", got, ok)
		}
	})
	t.Run("no origin", func(t *testing.T) {
		root := t.TempDir()
		write(t, filepath.Join(root, ".git", "config"), "[remote \"upstream\"]\n\turl = https://github.com/other/app.git\n")
		if got, ok := GitHubRepository(root); ok {
			t.Errorf("GitHubRepository = %q; want none", got)
		}
	})
	t.Run("no repository", func(t *testing.T) {
		if got, ok := GitHubRepository(t.TempDir()); ok {
			t.Errorf("GitHubRepository = %q; want none", got)
		}
	})
}
