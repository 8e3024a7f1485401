package codepipeline

import (
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
)

// CodeBuild images used when the config does not name one.
const (
	ImageLinux   = "aws/codebuild/standard:7.0"
	ImageARM     = "aws/codebuild/amazonlinux-aarch64-standard:3.0"
	ImageWindows = "aws/codebuild/windows-base:2022-1.0"
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
}

var sizes = map[string]string{"": "BUILD_GENERAL1_MEDIUM", "large": "BUILD_GENERAL1_LARGE", "xlarge": "BUILD_GENERAL1_XLARGE", "2xlarge": "BUILD_GENERAL1_2XLARGE"}

// computeFor maps a job's runner (and container) to a CodeBuild environment.
func (e *emitter) computeFor(j *ir.Job) compute {
	c := compute{envType: "LINUX_CONTAINER", computeType: sizes[j.Runner.Size], image: ImageLinux, os: "Linux", arch: "X64"}
	if c.computeType == "" {
		c.computeType = sizes[""]
	}
	switch {
	case j.Runner.OS == "windows":
		c.envType, c.image, c.os = "WINDOWS_SERVER_2022_CONTAINER", ImageWindows, "Windows"
	case j.Runner.Arch == "arm64" && j.Runner.OS != "macos":
		c.envType, c.image, c.arch, c.computeType = "ARM_CONTAINER", ImageARM, "ARM64", "BUILD_GENERAL1_LARGE"
	}
	if m, ok := e.cfg.Runners[j.Runner.Mapped]; ok && j.Runner.Mapped != "" {
		if m.Type == "skip" || m.ComputeType == "skip" || m.Fleet == "skip" {
			c.skip = true
		}
		if m.Type != "" && m.Type != "skip" {
			c.envType = m.Type
			if strings.HasPrefix(m.Type, "WINDOWS") {
				c.os, c.image = "Windows", ImageWindows
			} else if strings.HasPrefix(m.Type, "ARM") {
				c.arch, c.image = "ARM64", ImageARM
			}
		}
		if m.ComputeType != "" && m.ComputeType != "skip" {
			c.computeType = m.ComputeType
		}
		if m.Image != "" {
			c.image, c.custom = m.Image, !strings.HasPrefix(m.Image, "aws/codebuild/")
		}
	}
	if j.Container != nil && j.Container.Image != "" && !strings.Contains(j.Container.Image, "${{") {
		c.image, c.custom = j.Container.Image, true
	}
	return c
}

// checkCompute reports runners that have no CodeBuild equivalent.
func (e *emitter) checkCompute(j *ir.Job, c compute) {
	if c.skip {
		e.d.add(RuleRunnerSkip, diag.Warning, j.Runner.Pos, "job %q runs on %q, which .actionport.yml maps to skip; the job is not converted", j.ID, strings.Join(j.Runner.Labels, ", "))
		return
	}
	if c.os == "Windows" {
		e.d.add(RuleRunner, diag.Warning, j.Runner.Pos, "job %q runs on a Windows CodeBuild image, but its buildspec uses the bash step runtime (env.shell bash), which Windows builds do not accept (powershell.exe or cmd.exe); port the steps to PowerShell or run the job on Linux", j.ID)
	}
	if j.Runner.Mapped != "" {
		return
	}
	switch {
	case j.Runner.OS == "macos":
		e.d.add(RuleRunner, diag.Warning, j.Runner.Pos, "job %q runs on macOS (%s); CodeBuild projects in a pipeline run Linux or Windows containers, so it runs on Linux. Map the label in .actionport.yml (runners: {%s: {type: ..., image: ...}}) or move the job to a macOS fleet by hand", j.ID, strings.Join(j.Runner.Labels, ", "), firstLabel(j))
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

func firstLabel(j *ir.Job) string {
	if len(j.Runner.Labels) == 0 {
		return "LABEL"
	}
	return j.Runner.Labels[0]
}
