// Package e2etest holds actionport's end-to-end robustness and performance
// tests of the whole converter (translate → IR → emitters, and the CLI that
// runs them): benchmarks over the shared corpus, fuzz targets, a check of
// the YAML writer on every file the corpus generates, and tables of hostile
// inputs (workflows, local actions, output trees, files to lint) that must
// end in valid output or a clear diagnostic, quickly and with bounded memory.
//
// Everything but the helpers below lives in _test.go files.
package e2etest

import (
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codecatalyst"
	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// Target is one emitter, as the CLI runs it (one fresh IR per target).
type Target struct {
	Name string
	Emit func(w *ir.Workflow) ([]emit.File, diag.List)
}

// Targets are the emitters of the pipeline.
var Targets = []Target{
	{"codecatalyst", func(w *ir.Workflow) ([]emit.File, diag.List) {
		return codecatalyst.Emit(w, codecatalyst.Options{})
	}},
	{"codepipeline", func(w *ir.Workflow) ([]emit.File, diag.List) {
		return codepipeline.Emit(w, codepipeline.Options{})
	}},
}

// Convert runs the front end and the emitter of target on src. Files is nil
// when the front end rejected the input (the diagnostics say why).
func Convert(path string, src []byte, target Target) ([]emit.File, diag.List) {
	w, ds := translate.Translate(path, src, translate.Options{})
	if w == nil {
		return nil, ds
	}
	files, eds := target.Emit(w)
	return files, append(ds, eds...)
}
