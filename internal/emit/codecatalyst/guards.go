package codecatalyst

import (
	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/ir"
)

// decideRepositoryConditions decides, before the run, the comparisons over
// the repository's name: with repository: set, github.repository and its
// parts are constants on CodeCatalyst, so a fork guard
// (if: github.repository == 'owner/name') is true or false already. A job
// or step condition that becomes true is dropped (it runs as without one);
// one that becomes false stays, as false. w is not modified.
func decideRepositoryConditions(w *ir.Workflow, repo string) *ir.Workflow {
	if repo == "" {
		return w
	}
	var jobs []*ir.Job
	for i, j := range w.Jobs {
		cond, condChanged := decideCond(j.If, repo)
		var steps []*ir.Step
		for k, s := range j.Steps {
			sc, changed := decideCond(s.If, repo)
			if !changed {
				continue
			}
			if steps == nil {
				steps = append([]*ir.Step(nil), j.Steps...)
			}
			ns := *s
			ns.If = sc
			steps[k] = &ns
		}
		if !condChanged && steps == nil {
			continue
		}
		if jobs == nil {
			jobs = append([]*ir.Job(nil), w.Jobs...)
		}
		nj := *j
		if condChanged {
			nj.If = cond
		}
		if steps != nil {
			nj.Steps = steps
		}
		jobs[i] = &nj
	}
	if jobs == nil {
		return w
	}
	c := *w
	c.Jobs = jobs
	return &c
}

// decideCond folds c over the repository's name. A condition folded to
// true becomes nil (success(), which GitHub adds to a condition without a
// status function), or always() when c had a status function. changed is
// false when nothing was decided.
func decideCond(c *ir.Cond, repo string) (_ *ir.Cond, changed bool) {
	if c == nil {
		return nil, false
	}
	f := foldRepository(c, repo)
	if f == c {
		return c, false
	}
	if f.Op == ir.CondTrue {
		if c.HasStatus() {
			return &ir.Cond{Op: ir.CondAlways, Source: c.Source, Pos: c.Pos}, true
		}
		return nil, true
	}
	return f, true
}

// foldRepository returns c with the tests over literals and repository
// names decided and simplified, or c itself when nothing changed.
func foldRepository(c *ir.Cond, repo string) *ir.Cond {
	known := func(o ir.Operand) (string, bool) {
		if o.Ref == nil {
			return o.Lit, true
		}
		if o.Ref.Kind == ir.RefContext {
			return config.RepositoryContext(repo, o.Ref.Name)
		}
		return "", false
	}
	return foldCond(c, func(c *ir.Cond) *ir.Cond {
		switch c.Op {
		case ir.CondEq, ir.CondNe, ir.CondContains, ir.CondStartsWith, ir.CondEndsWith:
			if c.Left.Ref == nil && c.Right.Ref == nil {
				return c // already as decided as the front end left it
			}
			l, lok := known(c.Left)
			r, rok := known(c.Right)
			if !lok || !rok {
				return c
			}
			v, _ := ir.Compare(c.Op, l, r)
			return constantCond(c, v)
		}
		return c
	})
}

// foldCond decides c where leaf decides its tests: leaf returns a test
// decided (CondTrue, CondFalse) or as it was, and foldCond simplifies the
// !, && and || over them. It returns c itself when nothing changed.
func foldCond(c *ir.Cond, leaf func(*ir.Cond) *ir.Cond) *ir.Cond {
	switch c.Op {
	case ir.CondNot:
		a := foldCond(c.Args[0], leaf)
		switch {
		case a.Op == ir.CondTrue:
			return constantCond(c, false)
		case a.Op == ir.CondFalse:
			return constantCond(c, true)
		case a == c.Args[0]:
			return c
		}
		n := *c
		n.Args = []*ir.Cond{a}
		return &n
	case ir.CondAnd, ir.CondOr:
		// And: a false argument decides, true ones drop out; Or the reverse.
		decides, neutral := ir.CondFalse, ir.CondTrue
		if c.Op == ir.CondOr {
			decides, neutral = ir.CondTrue, ir.CondFalse
		}
		var args []*ir.Cond
		changed := false
		for _, a := range c.Args {
			f := foldCond(a, leaf)
			changed = changed || f != a
			switch f.Op {
			case decides:
				return constantCond(c, decides == ir.CondTrue)
			case neutral:
				continue
			}
			args = append(args, f)
		}
		switch {
		case !changed:
			return c
		case len(args) == 0:
			return constantCond(c, neutral == ir.CondTrue)
		case len(args) == 1:
			return args[0]
		}
		n := *c
		n.Args = args
		return &n
	}
	return leaf(c)
}

// constantCond is true or false in place of c.
func constantCond(c *ir.Cond, v bool) *ir.Cond {
	if v {
		return &ir.Cond{Op: ir.CondTrue, Source: c.Source, Pos: c.Pos}
	}
	return &ir.Cond{Op: ir.CondFalse, Source: c.Source, Pos: c.Pos}
}
