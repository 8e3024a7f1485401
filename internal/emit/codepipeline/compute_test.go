package codepipeline

import (
	"testing"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/ir"
)

// TestMacCompute checks the CodeBuild environment of macOS labels: the
// image by macOS version, Intel labels on the Apple silicon fleet, and the
// runners mappings that take a job off the template's fleet.
func TestMacCompute(t *testing.T) {
	arn := "arn:aws:codebuild:us-east-1:123456789012:fleet/ios:2c3d4e5f-0123-4567-89ab-0123456789ab"
	cfg := config.Default()
	cfg.Runners = map[string]config.RunnerMap{
		"mac-arn":   {Fleet: arn},
		"mac-linux": {Fleet: "Linux.x86-64.2XLarge"},
		"mac-type":  {Type: "LINUX_CONTAINER"},
		"mac-big":   {ComputeType: "BUILD_GENERAL1_LARGE"},
	}
	for _, c := range []struct {
		label, mapped            string
		envType, compute, image  string
		macFleet, intel          bool
		fleetARN, runnerOS, arch string
	}{
		{"macos-14", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:14", true, false, "", "macOS", "ARM64"},
		{"macos-15-xlarge", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:15", true, false, "", "macOS", "ARM64"},
		{"macos-26", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:26", true, false, "", "macOS", "ARM64"},
		{"macos-latest", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", ImageMacOS, true, false, "", "macOS", "ARM64"},
		{"macos-13", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:14", true, true, "", "macOS", "ARM64"},
		{"macos-13-xlarge", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:14", true, false, "", "macOS", "ARM64"},
		{"macos-15-large", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:15", true, true, "", "macOS", "ARM64"},
		{"macos-15-intel", "", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:15", true, true, "", "macOS", "ARM64"},
		{"macos-14", "mac-arn", "MAC_ARM", "BUILD_GENERAL1_MEDIUM", "aws/codebuild/macos-arm-base:14", false, false, arn, "macOS", "ARM64"},
		{"macos-14", "mac-linux", "LINUX_CONTAINER", "BUILD_GENERAL1_2XLARGE", ImageLinux, false, false, "", "Linux", "X64"},
		{"macos-14", "mac-type", "LINUX_CONTAINER", "BUILD_GENERAL1_MEDIUM", ImageLinux, false, false, "", "Linux", "X64"},
		{"macos-14", "mac-big", "MAC_ARM", "BUILD_GENERAL1_LARGE", "aws/codebuild/macos-arm-base:14", true, false, "", "macOS", "ARM64"},
	} {
		e := &emitter{cfg: cfg}
		j := &ir.Job{ID: "j", Runner: ir.Runner{Labels: []string{c.label}, OS: "macos", Arch: "arm64", Mapped: c.mapped}}
		got := e.computeFor(j)
		want := compute{envType: c.envType, computeType: c.compute, image: c.image, os: c.runnerOS, arch: c.arch, macFleet: c.macFleet, intelMac: c.intel, fleetARN: c.fleetARN}
		if got != want {
			t.Errorf("%s (mapped %q):\n got  %+v\n want %+v", c.label, c.mapped, got, want)
		}
	}
}
