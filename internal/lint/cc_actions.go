package lint

import (
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// ccAction is one action or action group of a workflow.
type ccAction struct {
	name      string
	nameNode  *yaml.Node
	group     string       // enclosing group, "" at top level
	isGroup   bool         // an action group
	members   []string     // a group's actions
	dependsOn []*yaml.Node // DependsOn entries
	varRefs   []*yaml.Node // scalars holding ${Action.Var}
	refTarget []string     // action named by each varRefs entry
	inputs    []*yaml.Node // Inputs.Artifacts entries
}

// ccWorkflow is the action graph of a workflow.
type ccWorkflow struct {
	actions map[string]*ccAction
	order   []string
	outputs map[string]*ccAction // output artifact name → producer
}

var (
	ghRunnerID     = regexp.MustCompile(`^aws/github-actions-runner@v1(\.0){0,2}`)
	buildID        = regexp.MustCompile(`aws/build@v1(\.0){0,2}`)
	managedTestID  = regexp.MustCompile(`^aws/managed-test@v1(\.0){0,2}`)
	identifierForm = regexp.MustCompile(`^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+@v[0-9]+(\.[0-9]+){0,2}$`)
	ccArtifactName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// checkActions checks the Actions mapping and then the graph it forms.
func checkActions(c *checker, n *yaml.Node) {
	o, ok := c.mapping(n, "Actions")
	if !ok {
		return
	}
	wf := &ccWorkflow{actions: map[string]*ccAction{}, outputs: map[string]*ccAction{}}
	leaves := 0
	for _, f := range o.fields {
		if isGroup(f.val) {
			g := wf.add(c, f.key, "")
			g.isGroup = true
			gr, ok := c.object(f.val, "action group "+f.key.Value, []string{"DependsOn", "Actions"}, []string{"Actions"})
			if !ok {
				continue
			}
			if d := gr.get("DependsOn"); d != nil {
				g.dependsOn = checkDependsOn(c, d, f.key.Value)
			}
			inner, ok := c.mapping(gr.get("Actions"), "Actions of group "+f.key.Value)
			if !ok {
				continue
			}
			for _, in := range inner.fields {
				if isGroup(in.val) {
					c.errorf("cc-group-nested", in.key, "action group %q is nested in group %q; action groups do not nest", in.key.Value, f.key.Value)
					continue
				}
				a := wf.add(c, in.key, f.key.Value)
				g.members = append(g.members, in.key.Value)
				checkAction(c, wf, a, in.val)
				leaves++
			}
			continue
		}
		a := wf.add(c, f.key, "")
		checkAction(c, wf, a, f.val)
		leaves++
	}
	if leaves > maxActions {
		c.errorf("cc-too-many-actions", o.node, "the workflow has %d actions; CodeCatalyst allows at most %d: split it into several workflows", leaves, maxActions)
	}
	checkGraph(c, wf)
}

// isGroup tells an action group ({DependsOn, Actions}) from an action.
func isGroup(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	hasActions := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "Identifier":
			return false
		case "Actions":
			hasActions = true
		}
	}
	return hasActions
}

func (wf *ccWorkflow) add(c *checker, key *yaml.Node, group string) *ccAction {
	checkCCName(c, key, "action name", 100)
	a := &ccAction{name: key.Value, nameNode: key, group: group}
	if _, dup := wf.actions[key.Value]; dup {
		c.errorf("cc-name", key, "action name %q is used more than once in the workflow", key.Value)
		return a
	}
	wf.actions[key.Value] = a
	wf.order = append(wf.order, key.Value)
	return a
}

// checkDependsOn checks a DependsOn list and returns its string entries.
func checkDependsOn(c *checker, n *yaml.Node, owner string) []*yaml.Node {
	items := c.strings(n, owner+".DependsOn")
	if len(items) > 50 {
		c.errorf("cc-depends-on", n, "%s depends on %d actions; at most 50 are allowed", owner, len(items))
	}
	for _, it := range items {
		if !ccNamePattern.MatchString(it.Value) || len(it.Value) > 60 {
			c.errorf("cc-depends-on", it, "DependsOn entry %q is not an action name (1-60 characters from A-Z, a-z, 0-9, - and _)", it.Value)
		}
	}
	return items
}

// checkAction checks one action.
func checkAction(c *checker, wf *ccWorkflow, a *ccAction, n *yaml.Node) {
	what := "action " + a.name
	if n == nil || n.Kind != yaml.MappingNode {
		c.mapping(n, what)
		return
	}
	idNode := peek(n, "Identifier")
	id := ""
	if idNode == nil {
		c.errorf("cc-identifier", n, "%s has no Identifier (for example aws/build@v1)", what)
	} else if v, ok := c.str(idNode, what+".Identifier"); ok {
		id = v
		if !identifierForm.MatchString(v) {
			c.warnf("cc-identifier", idNode, "Identifier %q does not look like owner/action@vN", v)
		}
	}
	runner := ghRunnerID.MatchString(id)
	steps := buildID.MatchString(id) || managedTestID.MatchString(id)
	keys := []string{"Identifier", "Configuration", "DependsOn", "Environment", "Compute", "Timeout", "Caching", "Outputs", "Inputs"}
	if !runner {
		keys = append(keys, "Packages")
	}
	var required []string
	if runner || steps {
		required = []string{"Configuration"}
	}
	o, _ := c.object(n, what, keys, required)
	if cfg := o.get("Configuration"); cfg != nil {
		switch {
		case runner:
			checkRunnerConfig(c, cfg, what)
		case steps:
			checkStepsConfig(c, cfg, what)
		default:
			c.mapping(cfg, what+".Configuration")
		}
	}
	if d := o.get("DependsOn"); d != nil {
		a.dependsOn = checkDependsOn(c, d, what)
	}
	if cp := o.get("Compute"); cp != nil {
		if typ := checkCompute(c, cp, false, what+".Compute"); typ == "LAMBDA" && runner {
			c.errorf("cc-compute", cp, "aws/github-actions-runner@v1 runs on EC2 compute only, not Lambda")
		}
	}
	if t := o.get("Timeout"); t != nil {
		if v, ok := c.integer(t, what+".Timeout"); ok && (v < 1 || v > 480) {
			c.errorf("cc-timeout", t, "Timeout %d is outside 1-480 minutes", v)
		}
	}
	if e := o.get("Environment"); e != nil {
		checkEnvironment(c, e, what, runner)
	}
	if ch := o.get("Caching"); ch != nil {
		checkCaching(c, ch, what)
	}
	if p := o.get("Packages"); p != nil {
		checkPackages(c, p, what)
	}
	if in := o.get("Inputs"); in != nil {
		a.inputs = checkInputs(c, in, what)
	}
	if out := o.get("Outputs"); out != nil {
		checkOutputs(c, wf, a, out, what)
	}
	collectRefs(c, a, o.node)
}

// checkStepsConfig checks the Configuration of aws/build@v1 and
// aws/managed-test@v1.
func checkStepsConfig(c *checker, n *yaml.Node, what string) {
	o, ok := c.object(n, what+".Configuration", []string{"Steps", "Container"}, []string{"Steps"})
	if !ok {
		return
	}
	if s := o.get("Steps"); s != nil {
		items, _ := c.sequence(s, what+".Steps")
		if len(items) > 256 {
			c.errorf("cc-steps", s, "%s has %d steps; at most 256 are allowed", what, len(items))
		}
		for i, it := range items {
			st, ok := c.object(it, fmt.Sprintf("%s step %d", what, i+1), []string{"Run"}, nil)
			if ok {
				if r := st.get("Run"); r != nil {
					c.str(r, "Run")
				}
			}
		}
	}
	if ct := o.get("Container"); ct != nil {
		co, ok := c.object(ct, what+".Container", []string{"Registry", "Image"}, nil)
		if !ok {
			return
		}
		if im := co.get("Image"); im != nil {
			c.str(im, "Container.Image")
		}
		if r := co.get("Registry"); r != nil {
			if v, ok := c.str(r, "Container.Registry"); ok && v != "DockerHub" && v != "ECR" {
				c.warnf("cc-container", r, "Container.Registry %q is neither DockerHub nor ECR", v)
			}
		}
	}
}

// runnerStepKeys are the step keys aws/github-actions-runner@v1 accepts.
var runnerStepKeys = []string{"id", "if", "name", "uses", "with", "run", "env", "continue-on-error", "timeout-minutes", "working-directory", "shell"}

// checkRunnerConfig checks the Configuration of aws/github-actions-runner@v1.
func checkRunnerConfig(c *checker, n *yaml.Node, what string) {
	o, ok := c.object(n, what+".Configuration", []string{"Steps"}, []string{"Steps"})
	if !ok {
		return
	}
	s := o.get("Steps")
	if s == nil {
		return
	}
	items, _ := c.sequence(s, what+".Steps")
	if len(items) > 256 {
		c.errorf("cc-steps", s, "%s has %d steps; at most 256 are allowed", what, len(items))
	}
	for i, it := range items {
		sw := fmt.Sprintf("%s step %d", what, i+1)
		st, ok := c.mapping(it, sw)
		if !ok {
			continue
		}
		for _, f := range st.fields {
			switch f.key.Value {
			case "id", "if", "name", "uses", "run", "working-directory", "shell":
				c.scalar(f.val, sw+"."+f.key.Value)
			case "with", "env":
				c.mapping(f.val, sw+"."+f.key.Value)
			case "continue-on-error":
				c.boolean(f.val, sw+".continue-on-error")
			case "timeout-minutes":
				c.integer(f.val, sw+".timeout-minutes")
			default:
				c.errorf("cc-runner-step-key", f.key, "step key %q is not supported by aws/github-actions-runner@v1 (allowed: %s)", f.key.Value, join(runnerStepKeys))
			}
		}
	}
}
