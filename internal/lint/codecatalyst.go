package lint

import (
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// Key lists and enums follow AWS's JSON Schema in
// @aws/codecatalyst-workflows-sdk 0.1.5-preview.6 (models/).
var (
	ccNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	ccTopKeys     = []string{"Name", "SchemaVersion", "RunMode", "Compute", "Triggers", "Actions"}
	ccRunModes    = []string{"QUEUED", "SUPERSEDED", "PARALLEL"}
)

// maxActions is the number of actions a workflow may hold.
const maxActions = 50

// checkWorkflow lints a CodeCatalyst workflow.
func checkWorkflow(c *checker, root *yaml.Node) {
	top, ok := c.object(root, "the workflow", ccTopKeys, []string{"Name", "SchemaVersion", "Actions"})
	if !ok {
		return
	}
	if n := top.get("Name"); n != nil {
		checkCCName(c, n, "workflow Name", 100)
	}
	if n := top.get("SchemaVersion"); n != nil {
		if n.Kind != yaml.ScalarNode || n.Value != "1.0" {
			c.errorf("cc-schema-version", n, "SchemaVersion must be \"1.0\"")
		} else if n.ShortTag() != "!!str" {
			c.warnf("cc-schema-version", n, "write SchemaVersion as the string \"1.0\" (quoted)")
		}
	}
	if n := top.get("RunMode"); n != nil {
		c.enum("cc-run-mode", n, "RunMode", ccRunModes...)
	}
	if n := top.get("Compute"); n != nil {
		checkCompute(c, n, true, "workflow Compute")
	}
	if n := top.get("Triggers"); n != nil {
		checkTriggers(c, n)
	}
	if n := top.get("Actions"); n != nil {
		checkActions(c, n)
	}
}

// checkCCName checks a workflow, action or group name.
func checkCCName(c *checker, n *yaml.Node, what string, maxLen int) {
	v, ok := c.str(n, what)
	if !ok {
		return
	}
	if !ccNamePattern.MatchString(v) || len(v) > maxLen {
		c.errorf("cc-name", n, "%s %q must be 1-%d characters from A-Z, a-z, 0-9, - and _", what, v, maxLen)
	}
}

// Compute types and fleets. The schema allows EC2|ec2|LAMBDA|Lambda at
// workflow level but only EC2|LAMBDA on an action.
var (
	ec2Fleets = []string{
		"Linux.x86-64.Large", "Linux.x86-64.XLarge", "Linux.x86-64.2XLarge",
		"Linux.Arm64.Large", "Linux.Arm64.XLarge", "Linux.Arm64.2XLarge",
		"Windows.x86-64.XLarge", "Windows.x86-64.2XLarge",
	}
	lambdaFleets = []string{"Linux.x86-64.Large", "Linux.x86-64.XLarge", "Linux.Arm64.Large", "Linux.Arm64.XLarge"}
)

// checkCompute checks a Compute block and returns its Type ("" if unknown).
func checkCompute(c *checker, n *yaml.Node, workflow bool, what string) string {
	allowed := []string{"Type", "Fleet"}
	if workflow {
		allowed = append(allowed, "SharedInstance")
	}
	o, ok := c.object(n, what, allowed, []string{"Type"})
	if !ok {
		return ""
	}
	types := []string{"EC2", "LAMBDA"}
	if workflow {
		types = []string{"EC2", "ec2", "LAMBDA", "Lambda"}
	}
	typ := ""
	if t := o.get("Type"); t != nil {
		v, ok := c.str(t, what+".Type")
		switch {
		case !ok:
		case v == "Lambda" && !workflow:
			c.errorf("cc-compute", t, "%s.Type %q: AWS's schema accepts only EC2 or LAMBDA on an action", what, v)
			typ = "LAMBDA"
		case !contains(types, v):
			c.errorf("cc-compute", t, "%s.Type %q is not one of %s", what, v, join(types))
		default:
			typ = upper(v)
		}
	}
	if f := o.get("Fleet"); f != nil {
		if v, ok := c.str(f, what+".Fleet"); ok {
			switch {
			case typ == "LAMBDA" && !contains(lambdaFleets, v):
				c.errorf("cc-compute", f, "%s.Fleet %q is not a Lambda fleet (%s)", what, v, join(lambdaFleets))
			case typ == "EC2" && !contains(ec2Fleets, v) && (len(v) < 2 || len(v) > 128):
				c.errorf("cc-compute", f, "%s.Fleet %q is neither an on-demand fleet nor a provisioned fleet name (2-128 characters)", what, v)
			}
		}
	}
	if s := o.get("SharedInstance"); s != nil {
		c.enum("cc-compute", s, what+".SharedInstance", "TRUE", "FALSE")
		if typ == "LAMBDA" {
			c.errorf("cc-compute", s, "SharedInstance applies to EC2 compute only")
		}
	}
	return typ
}

// checkTriggers checks the Triggers list.
func checkTriggers(c *checker, n *yaml.Node) {
	items, ok := c.sequence(n, "Triggers")
	if !ok {
		return
	}
	for i, it := range items {
		what := fmt.Sprintf("Triggers[%d]", i)
		if it == nil || it.Kind != yaml.MappingNode {
			c.mapping(it, what)
			continue
		}
		t := peek(it, "Type")
		if t == nil {
			c.errorf("cc-required", it, "%s is missing required key \"Type\"", what)
			continue
		}
		typ, ok := c.enum("cc-trigger-type", t, what+".Type", "PUSH", "PULLREQUEST", "SCHEDULE")
		if !ok {
			continue
		}
		var o object
		switch typ {
		case "PUSH":
			o, _ = c.object(it, what+" (PUSH)", []string{"Type", "Branches", "FilesChanged"}, nil)
		case "PULLREQUEST":
			o, _ = c.object(it, what+" (PULLREQUEST)", []string{"Type", "Events", "Branches", "FilesChanged"}, []string{"Events"})
			if ev := o.get("Events"); ev != nil {
				for _, e := range c.strings(ev, what+".Events") {
					c.enum("cc-pr-events", e, "pull request event", "DRAFT", "OPEN", "CLOSED", "MERGED", "REVISION")
				}
			}
		case "SCHEDULE":
			o, _ = c.object(it, what+" (SCHEDULE)", []string{"Type", "Expression", "Branches"}, []string{"Expression"})
			if e := o.get("Expression"); e != nil {
				if v, ok := c.str(e, what+".Expression"); ok {
					if err := checkCron(v); err != nil {
						c.report("cc-cron", err.sev, e, "schedule %q: %s", v, err.msg)
					}
				}
			}
		}
		for _, k := range []string{"Branches", "FilesChanged"} {
			if v := o.get(k); v != nil {
				checkRegexps(c, v, what+"."+k)
			}
		}
	}
}

// checkRegexps checks that every pattern compiles. CodeCatalyst matches
// Branches and FilesChanged as regular expressions (Java-style); Go's RE2
// syntax is close enough, though it rejects lookarounds and backreferences.
func checkRegexps(c *checker, n *yaml.Node, what string) {
	for _, p := range c.strings(n, what) {
		if _, err := regexp.Compile(p.Value); err != nil {
			c.errorf("cc-regex", p, "%s entry %q is not a valid regular expression (these are regexes, not globs: write .* for *): %v", what, p.Value, err)
		}
	}
}
