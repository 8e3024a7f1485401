package version

import (
	"runtime/debug"
	"testing"
)

func TestFormat(t *testing.T) {
	const rev = "0f5416e0123456789abcdef0123456789abcdef0"
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name     string
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"release", "v1.4.2", vcs("vcs.revision", rev, "vcs.modified", "false"), "v1.4.2"},
		{"pseudo-version", "v0.0.0-20260807101500-0f5416e01234+dirty", nil, "v0.0.0-20260807101500-0f5416e01234+dirty"},
		{"devel clean", Devel, vcs("vcs", "git", "vcs.revision", rev, "vcs.modified", "false"), "(devel) revision " + rev},
		{"devel modified", Devel, vcs("vcs.revision", rev, "vcs.modified", "true"), "(devel) revision " + rev + ", modified"},
		{"devel modified without revision", Devel, vcs("vcs.modified", "true"), "(devel) modified"},
		{"devel without vcs", Devel, nil, "(devel)"},
		{"empty version", "", vcs("vcs.revision", rev), "(devel) revision " + rev},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/actionport/actionport", Version: tc.version}, Settings: tc.settings}
			if got := Format(info); got != tc.want {
				t.Errorf("Format = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info in this test binary")
	}
	if got := String(); got == "" || got != Format(info) {
		t.Errorf("String() = %q, Format(ReadBuildInfo()) = %q", got, Format(info))
	}
}
