package codepipeline

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// CodeBuild images used when the config does not name one.
const (
	ImageLinux   = "aws/codebuild/standard:7.0"
	ImageARM     = "aws/codebuild/amazonlinux-aarch64-standard:3.0"
	ImageWindows = "aws/codebuild/windows-base:2022-1.0"
	// ImageMacOS is the macOS image of a macOS label without a version
	// CodeBuild has (macos-latest is macOS 15 on GitHub); macImages has the others.
	ImageMacOS = "aws/codebuild/macos-arm-base:15"
)

// macImages are CodeBuild's curated macOS images (Apple silicon) by the
// macOS version of a runs-on label: macos-14 runs on macos-arm-base:14.
var macImages = map[string]string{
	"14": "aws/codebuild/macos-arm-base:14",
	"15": "aws/codebuild/macos-arm-base:15",
	"26": "aws/codebuild/macos-arm-base:26",
}

// The template's macOS fleet: CodeBuild runs macOS builds only on reserved
// capacity (there is no on-demand macOS), so every macOS job of a workflow
// shares one AWS::CodeBuild::Fleet of this environment and compute type.
const (
	MacFleetID     = "MacFleet"
	macEnvType     = "MAC_ARM"
	macComputeType = "BUILD_GENERAL1_MEDIUM"
)

// compute is a CodeBuild project environment.
type compute struct {
	envType, computeType, image string
	// custom is true when the image is not a CodeBuild curated image (no runtime-versions).
	custom bool
	// os and arch are runner.os / runner.arch as GitHub spells them.
	os, arch string
	// skip is true when the config maps the runner to "skip".
	skip bool
	// fleetARN is a CodeBuild fleet the config names (runners: {L: {fleet: ARN}}).
	fleetARN string
	// macFleet is true when the project runs on the template's macOS fleet.
	macFleet bool
	// intelMac is true for an Intel macOS label (macos-13, macos-15-large...)
	// that runs on the Apple silicon fleet.
	intelMac bool
	// otherFleet is a fleet of the config that CodeBuild cannot use (a
	// CodeCatalyst provisioned fleet name) when the mapping has nothing else.
	otherFleet string
}

var sizes = map[string]string{"": "BUILD_GENERAL1_MEDIUM", "large": "BUILD_GENERAL1_LARGE", "xlarge": "BUILD_GENERAL1_XLARGE", "2xlarge": "BUILD_GENERAL1_2XLARGE"}

// catalystFleet matches CodeCatalyst's on-demand Linux fleets, whose
// architecture and size a CodeBuild project takes over.
var catalystFleet = regexp.MustCompile(`^Linux\.(x86-64|Arm64)\.(Large|XLarge|2XLarge)$`)

// computeFor maps a job's runner (and container) to a CodeBuild environment.
func (e *emitter) computeFor(j *ir.Job) compute {
	c := compute{envType: "LINUX_CONTAINER", computeType: sizes[j.Runner.Size], image: ImageLinux, os: "Linux", arch: "X64"}
	if c.computeType == "" {
		c.computeType = sizes[""]
	}
	switch {
	case j.Runner.OS == "windows":
		c.envType, c.image, c.os = "WINDOWS_SERVER_2022_CONTAINER", ImageWindows, "Windows"
	case j.Runner.OS == "macos":
		c.setType(macEnvType, j.Runner.Labels)
		c.intelMac = intelMacLabel(j.Runner.Labels)
	case j.Runner.Arch == "arm64":
		c.envType, c.image, c.arch, c.computeType = "ARM_CONTAINER", ImageARM, "ARM64", "BUILD_GENERAL1_LARGE"
	}
	if m, ok := e.cfg.Runners[j.Runner.Mapped]; ok && j.Runner.Mapped != "" {
		if m.Type == "skip" || m.ComputeType == "skip" || m.Fleet == "skip" {
			c.skip = true
		}
		if m.Fleet != "" && m.Fleet != "skip" {
			switch f := catalystFleet.FindStringSubmatch(m.Fleet); {
			case m.CodeBuildFleet() != "":
				c.fleetARN, c.macFleet = m.Fleet, false
			case f != nil:
				// A CodeCatalyst Linux fleet: the same architecture and size
				// on CodeBuild, unless type or compute-type say otherwise.
				if m.Type == "" {
					t := "LINUX_CONTAINER"
					if f[1] == "Arm64" {
						t = "ARM_CONTAINER"
					}
					c.setType(t, nil)
				}
				if m.ComputeType == "" {
					c.computeType = map[string]string{"Large": "BUILD_GENERAL1_LARGE", "XLarge": "BUILD_GENERAL1_XLARGE", "2XLarge": "BUILD_GENERAL1_2XLARGE"}[f[2]]
				}
			case m.Type == "" && m.ComputeType == "" && m.Image == "":
				c.otherFleet = m.Fleet
			}
		}
		if m.Type != "" && m.Type != "skip" {
			c.setType(m.Type, j.Runner.Labels)
		}
		if m.ComputeType != "" && m.ComputeType != "skip" {
			c.computeType = m.ComputeType
		}
		if m.Image != "" {
			c.image, c.custom = m.Image, !strings.HasPrefix(m.Image, "aws/codebuild/")
		}
	}
	if c.envType != macEnvType {
		c.intelMac = false
	}
	if c.fleetARN != "" {
		c.macFleet = false
	}
	if j.Container != nil && j.Container.Image != "" && !strings.Contains(j.Container.Image, "${{") {
		c.image, c.custom = j.Container.Image, true
	}
	return c
}

// setType sets the environment type with its default image, runner.os and
// runner.arch; a macOS type runs on the template's macOS fleet.
func (c *compute) setType(t string, labels []string) {
	c.envType, c.macFleet = t, false
	switch {
	case strings.HasPrefix(t, "WINDOWS"):
		c.os, c.arch, c.image = "Windows", "X64", ImageWindows
	case strings.HasPrefix(t, "ARM"):
		c.os, c.arch, c.image = "Linux", "ARM64", ImageARM
	case t == macEnvType:
		c.os, c.arch, c.image, c.computeType, c.macFleet = "macOS", "ARM64", macImage(labels), macComputeType, true
	default:
		c.os, c.arch, c.image = "Linux", "X64", ImageLinux
	}
}

// macVersion is the macOS version of a GitHub macOS label: macos-14,
// macos-15-xlarge, macos-13-large.
var macVersion = regexp.MustCompile(`^macos-(\d+)(?:-|$)`)

// macImage is the CodeBuild macOS image for the job's labels: the label's
// macOS version when CodeBuild has it, macOS 14 (the oldest CodeBuild has)
// for older ones, else ImageMacOS.
func macImage(labels []string) string {
	for _, l := range labels {
		m := macVersion.FindStringSubmatch(strings.ToLower(l))
		if m == nil {
			continue
		}
		if img, ok := macImages[m[1]]; ok {
			return img
		}
		if n, err := strconv.Atoi(m[1]); err == nil && n < 14 {
			return macImages["14"]
		}
	}
	return ImageMacOS
}

// intelMacLabel reports an Intel macOS runner: macos-13 and older (but not
// the Apple silicon macos-13-xlarge), the -large sizes and the -intel labels.
func intelMacLabel(labels []string) bool {
	for _, l := range labels {
		l = strings.ToLower(l)
		if !strings.HasPrefix(l, "macos") {
			continue
		}
		if strings.HasSuffix(l, "-large") || strings.Contains(l, "intel") {
			return true
		}
		if m := macVersion.FindStringSubmatch(l); m != nil && !strings.HasSuffix(l, "-xlarge") {
			if n, err := strconv.Atoi(m[1]); err == nil && n <= 13 {
				return true
			}
		}
	}
	return false
}

// checkCompute reports runners that have no CodeBuild equivalent.
func (e *emitter) checkCompute(j *ir.Job, c compute) {
	if c.skip {
		e.d.add(RuleRunnerSkip, diag.Warning, j.Runner.Pos, "job %q runs on %q, which .actionport.yml maps to skip; the job is not converted", j.ID, strings.Join(j.Runner.Labels, ", "))
		return
	}
	// A Windows job's PowerShell buildspec is reported with it (windowsJob).
	if c.intelMac {
		e.d.add(RuleRunner, diag.Warning, j.Runner.Pos, "job %q runs on the Intel macOS runner %q; CodeBuild builds macOS on Apple silicon only (MAC_ARM), so it runs on the macOS fleet with %s: x86_64-only tools need Rosetta 2, and a build for x86_64 needs -arch x86_64", j.ID, strings.Join(j.Runner.Labels, ", "), c.image)
	}
	if c.fleetARN != "" {
		e.d.add(RuleRunner, diag.Info, j.Runner.Pos, "job %q runs on the CodeBuild fleet %s (.actionport.yml runners %q); the project's environment type %s and compute type %s must be the fleet's (set type: and compute-type: when they differ)", j.ID, c.fleetARN, j.Runner.Mapped, c.envType, c.computeType)
	}
	if c.otherFleet != "" {
		e.d.add(RuleRunner, diag.Warning, j.Runner.Pos, "job %q: the fleet %q of .actionport.yml runners %q is not a CodeBuild fleet ARN (arn:aws:codebuild:REGION:ACCOUNT:fleet/NAME:ID) nor a CodeCatalyst Linux fleet, so CodeBuild cannot use it; the project runs on on-demand %s %s. Give a CodeBuild fleet ARN or type: and compute-type:", j.ID, c.otherFleet, j.Runner.Mapped, c.envType, c.computeType)
	}
	if j.Runner.Mapped != "" {
		return
	}
	switch {
	case j.Runner.OS == "macos":
		// The macOS fleet's warning (template) names the job.
	case j.Runner.SelfHosted:
		e.d.add(RuleRunner, diag.Warning, j.Runner.Pos, "job %q runs on a self-hosted runner (%s); it runs on the default CodeBuild Linux image. Map the label in .actionport.yml runners", j.ID, strings.Join(j.Runner.Labels, ", "))
	case j.Runner.OS == "" && len(j.Runner.Labels) > 0:
		e.d.add(RuleRunner, diag.Warning, j.Runner.Pos, "runner %q is not a GitHub-hosted label actionport knows; the default CodeBuild Linux image is used. Map it in .actionport.yml runners", strings.Join(j.Runner.Labels, ", "))
	}
	if j.Container != nil && j.Container.Image != "" {
		if strings.Contains(j.Container.Image, "${{") {
			e.d.add(RuleContainer, diag.Error, j.Container.Pos, "container image %q is computed at run time; the default CodeBuild image is used", j.Container.Image)
		} else {
			e.d.add(RuleContainer, diag.Info, j.Container.Pos, "the job container %q becomes the CodeBuild project's image (steps run inside it; runtime-versions do not apply to custom images)", j.Container.Image)
		}
		if j.Container.HasCredentials {
			e.d.add(RuleContainer, diag.Warning, j.Container.Pos, "container registry credentials are not carried over; set the project's RegistryCredential (Secrets Manager) or use ECR")
		}
		if j.Container.Options != "" {
			e.d.add(RuleContainer, diag.Warning, j.Container.Pos, "container options %q are not carried over", j.Container.Options)
		}
	}
}
