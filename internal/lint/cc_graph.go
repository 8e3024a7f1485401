package lint

import (
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// refPattern matches ${Namespace.Name} references.
var refPattern = regexp.MustCompile(`\$\{\s*([A-Za-z0-9_-]+)\.([A-Za-z0-9@_-]+)\s*\}`)

// maxSecrets is the number of distinct secrets one action may reference.
const maxSecrets = 5

// collectRefs records the ${Action.Var} references of an action and checks
// its ${Secrets.name} count.
func collectRefs(c *checker, a *ccAction, n *yaml.Node) {
	var secrets []string
	walkScalars(n, func(s *yaml.Node) {
		for _, m := range refPattern.FindAllStringSubmatch(s.Value, -1) {
			switch m[1] {
			case "Secrets":
				if !slices.Contains(secrets, m[2]) {
					secrets = append(secrets, m[2])
					if len(secrets) == maxSecrets+1 {
						c.errorf("cc-too-many-secrets", s, "action %s references more than %d secrets (%s); CodeCatalyst allows %d per action", a.name, maxSecrets, strings.Join(secrets, ", "), maxSecrets)
					}
				}
			case "WorkflowSource":
			default:
				a.varRefs = append(a.varRefs, s)
				a.refTarget = append(a.refTarget, m[1])
			}
		}
	})
}

// deps returns the direct dependencies of an action: its DependsOn, its
// group's DependsOn, and for a group its members.
func (wf *ccWorkflow) deps(a *ccAction) []string {
	var out []string
	for _, d := range a.dependsOn {
		out = append(out, d.Value)
	}
	if g := wf.actions[a.group]; a.group != "" && g != nil {
		for _, d := range g.dependsOn {
			out = append(out, d.Value)
		}
	}
	return append(out, a.members...)
}

// reachable returns every action a (transitively) waits for.
func (wf *ccWorkflow) reachable(a *ccAction) map[string]bool {
	seen := map[string]bool{}
	var visit func(*ccAction)
	visit = func(x *ccAction) {
		for _, d := range wf.deps(x) {
			if seen[d] {
				continue
			}
			seen[d] = true
			if y := wf.actions[d]; y != nil {
				visit(y)
			}
		}
	}
	visit(a)
	return seen
}

// checkGraph checks DependsOn targets, cycles, variable references and input
// artifacts against the action graph.
func checkGraph(c *checker, wf *ccWorkflow) {
	for _, name := range wf.order {
		a := wf.actions[name]
		for _, d := range a.dependsOn {
			switch {
			case d.Value == a.name:
				c.errorf("cc-cycle", d, "action %s depends on itself", a.name)
			case wf.actions[d.Value] == nil:
				c.errorf("cc-depends-on-missing", d, "%s depends on %q, which is not an action or action group of this workflow", a.name, d.Value)
			}
		}
	}
	checkCycles(c, wf)
	for _, name := range wf.order {
		a := wf.actions[name]
		var reach map[string]bool
		for i, ref := range a.varRefs {
			t := a.refTarget[i]
			if wf.actions[t] == nil || t == a.name {
				continue
			}
			if reach == nil {
				reach = wf.reachable(a)
			}
			if !reach[t] {
				c.errorf("cc-var-ref-no-dependency", ref, "action %s uses a variable of action %s but does not depend on it: add %s to DependsOn", a.name, t, t)
			}
		}
		for _, in := range a.inputs {
			p := wf.outputs[in.Value]
			if p == nil {
				c.errorf("cc-input-artifact", in, "input artifact %q is not an output artifact of any action", in.Value)
				continue
			}
			if reach == nil {
				reach = wf.reachable(a)
			}
			if !reach[p.name] {
				c.errorf("cc-input-artifact", in, "input artifact %q comes from action %s, which %s does not depend on: add it to DependsOn", in.Value, p.name, a.name)
			}
		}
	}
}

// checkCycles reports each dependency cycle once, at the DependsOn entry that
// closes it.
func checkCycles(c *checker, wf *ccWorkflow) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(a *ccAction)
	visit = func(a *ccAction) {
		color[a.name] = grey
		stack = append(stack, a.name)
		for _, d := range a.dependsOn {
			b := wf.actions[d.Value]
			if b == nil || b == a {
				continue
			}
			switch color[b.name] {
			case grey:
				i := slices.Index(stack, b.name)
				path := append(slices.Clone(stack[i:]), b.name)
				c.errorf("cc-cycle", d, "dependency cycle: %s", strings.Join(path, " -> "))
			case white:
				visit(b)
			}
		}
		for _, m := range a.members {
			if b := wf.actions[m]; b != nil && color[m] == white {
				visit(b)
			}
		}
		stack = stack[:len(stack)-1]
		color[a.name] = black
	}
	for _, name := range wf.order {
		if color[name] == white {
			visit(wf.actions[name])
		}
	}
}
