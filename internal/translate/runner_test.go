package translate

import (
	"testing"

	"github.com/actionport/actionport/internal/ir"
)

func TestClassifyRunner(t *testing.T) {
	for _, c := range []struct {
		labels   []string
		os, arch string
	}{
		{[]string{"ubuntu-latest"}, "linux", "x64"},
		{[]string{"ubuntu-24.04-arm"}, "linux", "arm64"},
		{[]string{"windows-2022"}, "windows", "x64"},
		{[]string{"windows-11-arm"}, "windows", "arm64"},
		{[]string{"macos-latest"}, "macos", "arm64"},
		{[]string{"macos-13"}, "macos", "x64"},
		{[]string{"macos-13-xlarge"}, "macos", "arm64"},
		{[]string{"macos-14"}, "macos", "arm64"},
		{[]string{"macos-14-large"}, "macos", "x64"},
		{[]string{"macos-15"}, "macos", "arm64"},
		{[]string{"macos-15-intel"}, "macos", "x64"},
		{[]string{"macos-15-xlarge"}, "macos", "arm64"},
		{[]string{"macos-latest-large"}, "macos", "x64"},
		{[]string{"macos-26"}, "macos", "arm64"},
		{[]string{"self-hosted", "macos", "arm64"}, "macos", "arm64"},
		{[]string{"self-hosted", "macos"}, "macos", "x64"},
	} {
		r := &ir.Runner{Labels: c.labels}
		classifyRunner(r)
		if r.OS != c.os || r.Arch != c.arch {
			t.Errorf("%v: %s/%s, want %s/%s", c.labels, r.OS, r.Arch, c.os, c.arch)
		}
	}
}
