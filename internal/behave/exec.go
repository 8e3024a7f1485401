package behave

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Env is what the executors of generated outputs share for one run.
type Env struct {
	// Event is the event the run is for.
	Event Event
	// Source is the repository at the event's commit; executors copy it
	// (never write into it).
	Source string
	// Work is a scratch directory private to this run.
	Work string
	// SecretStore maps a target secret (a Secrets Manager secret id, a
	// CodeCatalyst secret name) to its value.
	SecretStore map[string]string
	// Parameters maps an SSM parameter name to its value.
	Parameters map[string]string
	// Act runs GitHub steps (CodeCatalyst's runner action, CodeBuild
	// buildspec steps).
	Act *Act
	// Repository is the "owner/name" of the source repository.
	Repository string
	// Bin, when set, is put first on the builds' PATH: the suite's
	// stand-ins for the tools a build machine has (an aws CLI that answers
	// sts assume-role).
	Bin string
}

// Path is the PATH of a build: Bin, then the host's.
func (e *Env) Path() string {
	if e.Bin == "" {
		return os.Getenv("PATH")
	}
	return e.Bin + string(os.PathListSeparator) + os.Getenv("PATH")
}

// Pipeline is one generated CodePipeline definition: a directory with
// pipeline.json, template.yaml and the buildspecs, inside Env.Source at
// the path the conversion wrote it to.
type Pipeline struct {
	Dir string
	// Manual is true when a person starts this pipeline for a
	// workflow_dispatch run.
	Manual bool
}

// Workflow is one generated CodeCatalyst workflow file, inside Env.Source.
type Workflow struct {
	File string
	// Manual is true when a person starts this workflow for a
	// workflow_dispatch run.
	Manual bool
}

// TargetResult is what an executor did for one event.
type TargetResult struct {
	// Output is everything the builds printed, in execution order.
	Output string
	// Ran names the pipelines or workflows that started.
	Ran []string
	// Failed describes each action that failed ("pipeline/action: why").
	Failed []string
	// TimedOut names the actions or builds the executor stopped at its own
	// time limit; their missing steps say nothing about the conversion.
	TimedOut []string
	// Log is a readable account of the run, for reports.
	Log string
}

// Isolated runs a bash script in dir with the environment environ, and
// its own temporary directory (TMPDIR) under e.Work: the generated step
// runtime keeps its state in a fresh directory under $TMPDIR, so runs on
// one host never share it. The result is the combined output and the exit
// status.
func (e *Env) Isolated(ctx context.Context, dir string, environ []string, script string) (string, int, error) {
	f, err := os.CreateTemp(e.Work, "script-*.sh")
	if err != nil {
		return "", -1, err
	}
	if _, err := f.WriteString(script); err != nil {
		f.Close()
		return "", -1, err
	}
	f.Close()
	tmp, err := os.MkdirTemp(e.Work, "tmp-")
	if err != nil {
		return "", -1, err
	}
	cmd := exec.CommandContext(ctx, "bash", f.Name())
	cmd.Dir = dir
	cmd.Env = append(environ, "TMPDIR="+tmp)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ctx.Err() != nil {
		return out.String(), -1, fmt.Errorf("script in %s: %w", dir, ctx.Err())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode(), nil
	}
	if err != nil {
		return out.String(), -1, err
	}
	return out.String(), 0, nil
}

// CopyDir copies the tree src into dst (created), keeping file modes.
func CopyDir(dst, src string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case info.IsDir():
			return os.MkdirAll(target, 0o755)
		case info.Mode()&os.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
		return nil
	})
}
