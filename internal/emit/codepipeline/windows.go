package codepipeline

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/shell"
	"github.com/actionport/actionport/internal/ir"
)

// Windows jobs. A Windows CodeBuild image runs buildspec commands with
// PowerShell (env.shell powershell.exe or cmd.exe; there is no bash), so
// these jobs get a PowerShell buildspec: each run step becomes one
// self-contained PowerShell command that runs the step's script with the
// step's shell as GitHub does (shell.Renderer.PowerShell). A job with
// GitHub actions keeps them as buildspec steps, as on Linux. What the bash
// step runtime would keep and PowerShell commands cannot is reported with
// RuleWindows at the step, job or output responsible.

// windowsOS is runner.os of a Windows project.
const windowsOS = "Windows"

// windows reports whether the job runs on a Windows image.
func (s *jobSpec) windows() bool { return s.comp.os == windowsOS }

// buildspecShell is the buildspec's env.shell.
func (s *jobSpec) buildspecShell() string {
	if s.windows() {
		return "powershell.exe"
	}
	return "bash"
}

// windowsJob renders the steps of a job on a Windows image.
func (e *emitter) windowsJob(s *jobSpec, r *shell.Renderer, dynamic []ir.EnvVar) {
	j := s.job
	r.Windows, r.PS = true, s.refs.psRef
	for _, svc := range j.Services {
		e.d.add(RuleWindows, diag.Error, svc.Pos, "service %q is not started: a Windows CodeBuild image cannot run its (Linux) container, and GitHub runs service containers on Linux runners only. Run the job on Linux", svc.Name)
	}
	e.downloads(s)
	if j.UsesActions {
		e.d.add(RuleWindows, diag.Warning, j.Runner.Pos, "job %q runs on a Windows CodeBuild image and uses GitHub actions: its steps run as buildspec steps, with CodeBuild's GitHub Actions runner, which actionport has not seen work on a Windows image; check the first run, or replace the actions with run steps (the job then gets a PowerShell buildspec)", j.ID)
		e.stepsMode(s, r, dynamic)
	} else {
		e.d.add(RuleWindows, diag.Info, j.Runner.Pos, "job %q runs on a Windows CodeBuild image: its buildspec runs PowerShell (env.shell powershell.exe), and each run step runs its script with the step's shell as on GitHub (pwsh by default, Windows PowerShell where the image has no pwsh; powershell, cmd, bash of Git for Windows, python)", j.ID)
		e.windowsCommands(s, r, dynamic)
	}
	e.windowsOutputs(s)
	for _, is := range r.Issues {
		sev := diag.Warning
		if is.Error {
			sev = diag.Error
		}
		e.d.add(RuleWindows, sev, is.Pos, "%s", is.Msg)
	}
	r.Issues = nil
}

// windowsCommands renders the run steps as PowerShell build commands.
func (e *emitter) windowsCommands(s *jobSpec, r *shell.Renderer, dynamic []ir.EnvVar) {
	j := s.job
	s.plain = true // every command stands alone: no prelude, no closing command
	if _, set := lookup(s.vars, "CI"); !set {
		s.vars = append(s.vars, kv{"CI", "true"}) // as on GitHub's runners
	}
	e.jobIfInBuild(j)
	if j.AWS != nil {
		e.credentials(s, r) // reports; Windows jobs run with the CodeBuild role
	}
	// The step that records that the job ran (emit.RanOutput) writes
	// GITHUB_OUTPUT; windowsOutputs reports the output instead. It is the
	// job's last step, so the others keep their indexes.
	job := *j
	if n := len(j.Steps); n > 0 && j.Steps[n-1].ID == emit.RanOutput {
		job.Steps = j.Steps[:n-1]
	}
	r.Job = &job
	steps := r.PowerShell(dynamic)
	r.Job = j
	stepCmd := map[int]int{}
	for i, cmds := range steps {
		if len(cmds) == 0 {
			continue
		}
		stepCmd[i] = len(s.build)
		for _, c := range cmds {
			s.build = append(s.build, command{text: c.Text, comment: commentText(c.Comment)})
		}
	}
	if len(s.build) == 0 {
		s.build = append(s.build, command{text: "Write-Host 'actionport: the job has no steps to run here'"})
	}
	e.placeDropped(j, s.build, stepCmd, true)
}

// windowsOutputs reports the job's outputs: a PowerShell buildspec keeps no
// value from one command to the next, so it cannot export them.
func (e *emitter) windowsOutputs(s *jobSpec) {
	j := s.job
	for _, o := range j.Outputs {
		if o.Name == emit.RanOutput {
			pos := j.Pos
			if j.If != nil {
				pos = j.If.Pos
			}
			e.d.add(RuleWindows, diag.Error, pos, "job condition %q is evaluated inside the build of Windows job %q, whose PowerShell buildspec cannot export whether the job ran: the jobs that need it run also when the condition is false, where GitHub skips them", condSource(j.If), j.ID)
			continue
		}
		e.d.add(RuleWindows, diag.Error, o.Pos, "job output %q is not exported: the PowerShell buildspec of a Windows job has no step runtime to carry values to the end of the build, so jobs that read it get an empty value. Run the job on Linux, or pass the value through an artifact", o.Name)
	}
}

// condSource is a condition's text ("" for none).
func condSource(c *ir.Cond) string {
	if c == nil {
		return ""
	}
	return c.Source
}

// windowsCredentials reports configure-aws-credentials with a role to
// assume: the credentials would have to reach every step's process.
func (e *emitter) windowsCredentials(c *ir.AWSCredentials) {
	e.d.add(RuleWindows, diag.Error, c.Pos, "configure-aws-credentials assumes %s, which the PowerShell buildspec of a Windows job does not do: its steps run with the CodeBuild service role. Grant that role the permissions, or run the job on Linux", c.RoleARN.Raw)
}

// psDownload copies an input artifact to dest (download-artifact), in
// PowerShell.
func psDownload(dest, name string) string {
	v := "$env:CODEBUILD_SRC_DIR_" + name
	return fmt.Sprintf("if (-not %s) { throw %s }\nNew-Item -ItemType Directory -Force -Path %s | Out-Null\nCopy-Item -Path (Join-Path %s '*') -Destination %s -Recurse -Force",
		v, shell.PSQuote("actionport: artifact "+name+" was not produced"), shell.PSQuote(dest), v, shell.PSQuote(dest))
}

// psMatrixSwitch is the command of a Windows project that differs between
// its matrix combinations: each combination's, selected by AP_MATRIX_INDEX
// (not indented: a here-string ends only at the start of a line).
func psMatrixSwitch(specs []*jobSpec, ci int) string {
	var b strings.Builder
	b.WriteString("switch ($(if ($env:AP_MATRIX_INDEX) { $env:AP_MATRIX_INDEX } else { '1' })) {")
	for i, s := range specs {
		b.WriteString("\n'" + strconv.Itoa(i+1) + "' {\n")
		b.WriteString(s.build[ci].text)
		b.WriteString("\n}")
	}
	b.WriteString("\n}")
	return b.String()
}

// psRef is the shell.PSRefFunc of the job: how a reference reaches a
// PowerShell build.
func (r *jobRefs) psRef(ref *ir.Ref) (shell.PSRef, bool) {
	if ref.Kind == ir.RefContext {
		switch ref.Name {
		case "runner.temp":
			return shell.PSRef{Env: "TEMP"}, true
		case "runner.tool_cache":
			return shell.PSRef{}, false
		}
	}
	b, ok := r.resolve(ref)
	if ok {
		b, ok = b.nonShell()
	}
	switch {
	case !ok:
		return shell.PSRef{}, false
	case b.isLit:
		return shell.PSRef{Lit: b.lit, IsLit: true}, true
	}
	return shell.PSRef{Env: b.env}, true
}
