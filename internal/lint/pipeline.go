package lint

import (
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/lazyre"
)

var (
	plName       = lazyre.New(`^[A-Za-z0-9.@_-]{1,100}$`)
	plRoleArn    = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/.+$`)
	plVarName    = lazyre.New(`^[A-Za-z0-9@_-]{1,128}$`)
	plKeys       = []string{"name", "roleArn", "artifactStore", "artifactStores", "stages", "version", "pipelineType", "executionMode", "variables", "triggers"}
	plStageKeys  = []string{"name", "actions", "blockers", "onFailure", "onSuccess", "beforeEntry"}
	plActionKeys = []string{"name", "actionTypeId", "runOrder", "configuration", "outputArtifacts", "inputArtifacts", "roleArn", "region", "namespace", "timeoutInMinutes", "commands", "outputVariables"}
	plCategories = []string{"Source", "Build", "Test", "Deploy", "Approval", "Invoke", "Compute"}
	plOwners     = []string{"AWS", "ThirdParty", "Custom"}
)

// plAction is one action of a pipeline, with what cross-checks need.
type plAction struct {
	name        string
	stage       int
	runOrder    int
	provider    string
	category    string
	namespace   string
	inputs      []*yaml.Node
	outputNames []string
	outputNodes []*yaml.Node
	nsNode      *yaml.Node
	config      *yaml.Node
}

// checkPipeline lints a CodePipeline create-pipeline input.
func checkPipeline(c *checker, root *yaml.Node) {
	top, ok := c.object(root, "the file", []string{"pipeline", "tags"}, []string{"pipeline"})
	if !ok || top.get("pipeline") == nil {
		return
	}
	p, ok := c.object(top.get("pipeline"), "pipeline", plKeys, []string{"name", "roleArn", "stages"})
	if !ok {
		return
	}
	if n := p.get("name"); n != nil {
		checkPlName(c, n, "pipeline name")
	}
	if n := p.get("roleArn"); n != nil {
		if v, ok := c.str(n, "roleArn"); ok && placeholder(v) {
			c.warnf("pl-placeholder", n, "roleArn is the placeholder %s: fill it in before create-pipeline (convert codepipeline --pipeline-role-arn), or deploy template.yaml, which creates the role", v)
		} else if ok && !plRoleArn.MatchString(v) {
			c.errorf("pl-role-arn", n, "roleArn %q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", v)
		}
	}
	checkArtifactStore(c, p)
	if n := p.get("pipelineType"); n == nil {
		c.warnf("pl-pipeline-type", p.node, "pipelineType is missing and defaults to V1; write \"pipelineType\": \"V2\" (triggers and variables need V2)")
	} else if v, ok := c.enum("pl-pipeline-type", n, "pipelineType", "V1", "V2"); ok && v == "V1" {
		c.warnf("pl-pipeline-type", n, "pipelineType V1 has no triggers, variables or execution modes; use V2")
	}
	if n := p.get("executionMode"); n != nil {
		c.enum("pl-execution-mode", n, "executionMode", "QUEUED", "SUPERSEDED", "PARALLEL")
	}
	vars := map[string]bool{}
	if n := p.get("variables"); n != nil {
		checkPlVariables(c, n, vars)
	}
	var actions []*plAction
	stagesOK := false
	if n := p.get("stages"); n != nil {
		actions, stagesOK = checkStages(c, n)
	}
	if n := p.get("triggers"); n != nil {
		checkPlTriggers(c, n, actions, stagesOK)
	}
	checkPlFlow(c, actions, vars)
}

func checkPlName(c *checker, n *yaml.Node, what string) {
	if v, ok := c.str(n, what); ok && !plName.MatchString(v) {
		c.errorf("pl-name", n, "%s %q must be 1-100 characters from A-Z, a-z, 0-9 and .@-_", what, v)
	}
}

// checkArtifactStore checks artifactStore {type: S3, location} (or the
// per-region artifactStores map).
func checkArtifactStore(c *checker, p object) {
	st, sts := p.get("artifactStore"), p.get("artifactStores")
	switch {
	case st == nil && sts == nil:
		c.errorf("pl-artifact-store", p.node, "pipeline needs an artifactStore {type: S3, location: BUCKET}")
		return
	case st != nil && sts != nil:
		c.errorf("pl-artifact-store", p.keyNode("artifactStores"), "use artifactStore or artifactStores, not both")
	}
	check := func(n *yaml.Node, what string) {
		o, ok := c.object(n, what, []string{"type", "location", "encryptionKey"}, []string{"type", "location"})
		if !ok {
			return
		}
		if t := o.get("type"); t != nil {
			c.enum("pl-artifact-store", t, what+".type", "S3")
		}
		if l := o.get("location"); l != nil {
			if v, ok := c.str(l, what+".location"); ok && v == "" {
				c.errorf("pl-artifact-store", l, "%s.location must name an S3 bucket", what)
			}
		}
	}
	if st != nil {
		check(st, "artifactStore")
	}
	if sts != nil {
		m, _ := c.mapping(sts, "artifactStores")
		for _, f := range m.fields {
			check(f.val, "artifactStores."+f.key.Value)
		}
	}
}

// checkPlVariables checks variables [{name, defaultValue, description}].
func checkPlVariables(c *checker, n *yaml.Node, vars map[string]bool) {
	items, _ := c.sequence(n, "variables")
	for _, it := range items {
		o, ok := c.object(it, "a pipeline variable", []string{"name", "defaultValue", "description"}, []string{"name"})
		if !ok {
			continue
		}
		for _, k := range []string{"defaultValue", "description"} {
			if v := o.get(k); v != nil {
				c.str(v, "variable "+k)
			}
		}
		nm := o.get("name")
		if nm == nil {
			continue
		}
		v, ok := c.str(nm, "variable name")
		if !ok {
			continue
		}
		if !plVarName.MatchString(v) {
			c.errorf("pl-variables", nm, "variable name %q must be 1-128 characters from A-Z, a-z, 0-9 and @-_", v)
		}
		if vars[v] {
			c.errorf("pl-variables", nm, "variable %q is defined twice", v)
		}
		vars[v] = true
	}
}

// checkStages checks the stages and their actions and returns the actions;
// ok is false when stages is not a list.
func checkStages(c *checker, n *yaml.Node) ([]*plAction, bool) {
	items, ok := c.sequence(n, "stages")
	if !ok {
		return nil, false
	}
	if len(items) < 2 {
		c.errorf("pl-stages", n, "a pipeline needs at least 2 stages, found %d", len(items))
	}
	var all []*plAction
	stageNames := map[string]bool{}
	for i, it := range items {
		s, ok := c.object(it, fmt.Sprintf("stages[%d]", i), plStageKeys, []string{"name", "actions"})
		if !ok {
			continue
		}
		if nm := s.get("name"); nm != nil {
			checkPlName(c, nm, "stage name")
			if stageNames[nm.Value] {
				c.errorf("pl-duplicate-name", nm, "stage name %q is used twice", nm.Value)
			}
			stageNames[nm.Value] = true
		}
		if s.get("actions") == nil {
			continue
		}
		acts, ok := c.sequence(s.get("actions"), fmt.Sprintf("actions of stages[%d]", i))
		if !ok {
			continue
		}
		if len(acts) == 0 {
			c.errorf("pl-stages", s.get("actions"), "stage has no actions")
		}
		actionNames := map[string]bool{}
		for _, an := range acts {
			a := checkPlAction(c, an, i)
			if a == nil {
				continue
			}
			if actionNames[a.name] {
				c.errorf("pl-duplicate-name", an, "action name %q is used twice in the stage", a.name)
			}
			actionNames[a.name] = true
			if (a.category == "Source") != (i == 0) {
				if i == 0 {
					c.errorf("pl-source-stage", an, "the first stage may hold only Source actions; %s is in category %s", a.name, a.category)
				} else {
					c.errorf("pl-source-stage", an, "Source action %s must be in the first stage", a.name)
				}
			}
			all = append(all, a)
		}
	}
	return all, true
}

// checkPlAction checks one stage action.
func checkPlAction(c *checker, n *yaml.Node, stage int) *plAction {
	o, ok := c.object(n, "an action", plActionKeys, []string{"name", "actionTypeId"})
	if !ok {
		return nil
	}
	a := &plAction{stage: stage, runOrder: 1}
	if nm := o.get("name"); nm != nil {
		checkPlName(c, nm, "action name")
		a.name = nm.Value
	}
	what := "action " + a.name
	if t := o.get("actionTypeId"); t != nil {
		to, ok := c.object(t, what+".actionTypeId", []string{"category", "owner", "provider", "version"}, []string{"category", "owner", "provider", "version"})
		if ok {
			if v := to.get("category"); v != nil {
				a.category, _ = c.enum("pl-action-type", v, "category", plCategories...)
			}
			if v := to.get("owner"); v != nil {
				c.enum("pl-action-type", v, "owner", plOwners...)
			}
			if v := to.get("provider"); v != nil {
				a.provider, _ = c.str(v, "provider")
			}
			if v := to.get("version"); v != nil {
				c.str(v, "version")
			}
		}
	}
	if r := o.get("runOrder"); r != nil {
		if v, ok := c.integer(r, what+".runOrder"); ok {
			if v < 1 || v > 999 {
				c.errorf("pl-run-order", r, "runOrder %d is outside 1-999", v)
			}
			a.runOrder = v
		}
	}
	if cfg := o.get("configuration"); cfg != nil {
		a.config = cfg
		co, _ := c.mapping(cfg, what+".configuration")
		for _, f := range co.fields {
			if f.val == nil || f.val.Kind != yaml.ScalarNode || f.val.ShortTag() != "!!str" {
				c.errorf("pl-configuration", f.val, "configuration value %s must be a string, not %s (quote it)", f.key.Value, kindName(f.val))
			}
		}
		checkCodeBuildEnv(c, a, co)
	}
	for _, k := range []string{"inputArtifacts", "outputArtifacts"} {
		if v := o.get(k); v != nil {
			names := checkArtifactList(c, v, what+"."+k)
			if k == "inputArtifacts" {
				a.inputs = names
				continue
			}
			for _, nm := range names {
				a.outputNames = append(a.outputNames, nm.Value)
				a.outputNodes = append(a.outputNodes, nm)
			}
		}
	}
	if ns := o.get("namespace"); ns != nil {
		if v, ok := c.str(ns, "namespace"); ok {
			if !plVarName.MatchString(v) {
				c.errorf("pl-namespace", ns, "namespace %q must be 1-100 characters from A-Z, a-z, 0-9 and @-_", v)
			}
			a.namespace = v
			a.nsNode = ns
		}
	}
	if t := o.get("timeoutInMinutes"); t != nil {
		c.integer(t, "timeoutInMinutes")
	}
	for _, k := range []string{"roleArn", "region"} {
		if v := o.get(k); v != nil {
			c.str(v, k)
		}
	}
	return a
}

// checkArtifactList checks [{name}] and returns the name nodes.
func checkArtifactList(c *checker, n *yaml.Node, what string) []*yaml.Node {
	items, _ := c.sequence(n, what)
	var names []*yaml.Node
	for _, it := range items {
		o, ok := c.object(it, "an artifact", []string{"name"}, []string{"name"})
		if !ok || o.get("name") == nil {
			continue
		}
		if _, ok := c.str(o.get("name"), "artifact name"); ok {
			names = append(names, o.get("name"))
		}
	}
	return names
}

// placeholder reports whether v is one of the converter's placeholders
// (<PIPELINE_ROLE_ARN>, <ARTIFACT_BUCKET>, ...): a value to fill in, not a
// wrong one.
func placeholder(v string) bool {
	if len(v) < 3 || v[0] != '<' || v[len(v)-1] != '>' {
		return false
	}
	for _, c := range v[1 : len(v)-1] {
		if !(c >= 'A' && c <= 'Z' || c == '_' || c == '/') {
			return false
		}
	}
	return true
}
