package lint

import (
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/lazyre"
)

var (
	connectionName = lazyre.New(`^[A-Za-z0-9_-]{3,63}$`)
	roleName       = lazyre.New(`^[A-Za-z0-9_+=,.@-]{1,64}$`)
	cacheKey       = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	sourceName     = regexp.MustCompile(`^[A-Za-z0-9@_-]+$`)
)

// checkEnvironment checks Environment {Name, Connections: [{Name, Role}]}.
// aws/github-actions-runner@v1 requires Connections.
func checkEnvironment(c *checker, n *yaml.Node, what string, needConnections bool) {
	required := []string{"Name"}
	if needConnections {
		required = append(required, "Connections")
	}
	o, ok := c.object(n, what+".Environment", []string{"Name", "Connections"}, required)
	if !ok {
		return
	}
	if nm := o.get("Name"); nm != nil {
		if v, ok := c.str(nm, "Environment.Name"); ok && (v == "" || len(v) > 2500) {
			c.errorf("cc-environment", nm, "Environment.Name must be 1-2500 characters")
		}
	}
	cn := o.get("Connections")
	if cn == nil {
		return
	}
	items, ok := c.sequence(cn, what+".Environment.Connections")
	if !ok {
		return
	}
	if len(items) != 1 {
		c.errorf("cc-environment", cn, "Environment.Connections must hold exactly one connection, not %d", len(items))
	}
	for _, it := range items {
		co, ok := c.object(it, "a connection", []string{"Name", "Role"}, []string{"Name", "Role"})
		if !ok {
			continue
		}
		if nm := co.get("Name"); nm != nil && nm.ShortTag() != "!!int" {
			if v, ok := c.str(nm, "connection Name"); ok && !connectionName.MatchString(v) {
				c.errorf("cc-environment", nm, "connection Name %q must be 3-63 characters from A-Z, a-z, 0-9, - and _ (or an account id)", v)
			}
		}
		if r := co.get("Role"); r != nil {
			if v, ok := c.str(r, "connection Role"); ok && !roleName.MatchString(v) {
				c.errorf("cc-environment", r, "connection Role %q must be an IAM role name (1-64 characters from A-Z, a-z, 0-9 and _+=,.@-)", v)
			}
		}
	}
}

// checkCaching checks Caching.FileCaching (1-5 named caches {Path, RestoreKeys}).
func checkCaching(c *checker, n *yaml.Node, what string) {
	o, ok := c.object(n, what+".Caching", []string{"FileCaching"}, []string{"FileCaching"})
	if !ok || o.get("FileCaching") == nil {
		return
	}
	fc, ok := c.mapping(o.get("FileCaching"), what+".Caching.FileCaching")
	if !ok {
		return
	}
	if len(fc.fields) == 0 || len(fc.fields) > 5 {
		c.errorf("cc-caching", fc.node, "Caching.FileCaching holds %d caches; 1-5 are allowed", len(fc.fields))
	}
	for _, f := range fc.fields {
		if !cacheKey.MatchString(f.key.Value) || len(f.key.Value) > 180 {
			c.errorf("cc-caching", f.key, "cache name %q must be 1-180 characters from A-Z, a-z, 0-9 and ._-", f.key.Value)
		}
		co, ok := c.object(f.val, "cache "+f.key.Value, []string{"Path", "RestoreKeys"}, []string{"Path"})
		if !ok {
			continue
		}
		if p := co.get("Path"); p != nil {
			if v, ok := c.str(p, "cache Path"); ok && (v == "" || len(v) > 1000) {
				c.errorf("cc-caching", p, "cache Path must be 1-1000 characters")
			}
		}
		if rk := co.get("RestoreKeys"); rk != nil {
			if keys := c.strings(rk, "RestoreKeys"); len(keys) == 0 || len(keys) > 5 {
				c.errorf("cc-caching", rk, "RestoreKeys holds %d keys; 1-5 are allowed", len(keys))
			}
		}
	}
}

// checkPackages checks Packages.NpmConfiguration.PackageRegistries.
func checkPackages(c *checker, n *yaml.Node, what string) {
	o, ok := c.object(n, what+".Packages", []string{"NpmConfiguration"}, nil)
	if !ok || o.get("NpmConfiguration") == nil {
		return
	}
	npm, ok := c.object(o.get("NpmConfiguration"), "NpmConfiguration", []string{"PackageRegistries"}, nil)
	if !ok || npm.get("PackageRegistries") == nil {
		return
	}
	regs, _ := c.sequence(npm.get("PackageRegistries"), "PackageRegistries")
	for _, r := range regs {
		ro, ok := c.object(r, "a package registry", []string{"PackagesRepository", "Scopes"}, []string{"PackagesRepository"})
		if !ok {
			continue
		}
		if p := ro.get("PackagesRepository"); p != nil {
			c.str(p, "PackagesRepository")
		}
		if s := ro.get("Scopes"); s != nil {
			c.strings(s, "Scopes")
		}
	}
}

// checkInputs checks Inputs {Sources, Artifacts, Variables} and returns the
// input artifact names.
func checkInputs(c *checker, n *yaml.Node, what string) []*yaml.Node {
	o, ok := c.object(n, what+".Inputs", []string{"Sources", "Artifacts", "Variables"}, nil)
	if !ok {
		return nil
	}
	if s := o.get("Sources"); s != nil {
		items := c.strings(s, "Inputs.Sources")
		if len(items) > 1 {
			c.errorf("cc-inputs", s, "Inputs.Sources holds %d sources; at most 1 is allowed", len(items))
		}
		for _, it := range items {
			if !sourceName.MatchString(it.Value) {
				c.errorf("cc-inputs", it, "source %q is not a source name (WorkflowSource or a repository source)", it.Value)
			}
		}
	}
	var arts []*yaml.Node
	if a := o.get("Artifacts"); a != nil {
		arts = c.strings(a, "Inputs.Artifacts")
		if len(arts) > 5 {
			c.errorf("cc-inputs", a, "Inputs.Artifacts holds %d artifacts; at most 5 are allowed", len(arts))
		}
		for _, it := range arts {
			checkArtifactName(c, it)
		}
	}
	if v := o.get("Variables"); v != nil {
		checkInputVariables(c, v)
	}
	return arts
}

// checkInputVariables checks [{Name, Value}] or {NAME: value}.
func checkInputVariables(c *checker, n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		o, _ := c.mapping(n, "Inputs.Variables")
		for _, f := range o.fields {
			checkVarName(c, f.key)
			c.scalar(f.val, "variable "+f.key.Value)
		}
		return
	}
	items, _ := c.sequence(n, "Inputs.Variables")
	if len(items) > 256 {
		c.errorf("cc-inputs", n, "Inputs.Variables holds %d variables; at most 256 are allowed", len(items))
	}
	for _, it := range items {
		o, ok := c.object(it, "an input variable", []string{"Name", "Value"}, []string{"Name", "Value"})
		if !ok {
			continue
		}
		if nm := o.get("Name"); nm != nil {
			if _, ok := c.str(nm, "variable Name"); ok {
				checkVarName(c, nm)
			}
		}
		if v := o.get("Value"); v != nil {
			c.scalar(v, "variable Value")
		}
	}
}

func checkVarName(c *checker, n *yaml.Node) {
	if !ccNamePattern.MatchString(n.Value) || len(n.Value) > 60 {
		c.errorf("cc-inputs", n, "variable name %q must be 1-60 characters from A-Z, a-z, 0-9, - and _", n.Value)
	}
}

func checkArtifactName(c *checker, n *yaml.Node) bool {
	if !ccArtifactName.MatchString(n.Value) || len(n.Value) > 100 {
		c.errorf("cc-artifact-name", n, "artifact name %q must be 1-100 characters from A-Z, a-z, 0-9 and _ (no -)", n.Value)
		return false
	}
	return true
}

// checkOutputs checks Outputs {Artifacts, Variables, Reports,
// AutoDiscoverReports} and records output artifacts.
func checkOutputs(c *checker, wf *ccWorkflow, a *ccAction, n *yaml.Node, what string) {
	o, ok := c.object(n, what+".Outputs", []string{"Artifacts", "Variables", "Reports", "AutoDiscoverReports"}, nil)
	if !ok {
		return
	}
	if arts := o.get("Artifacts"); arts != nil {
		for _, nm := range outputArtifacts(c, arts) {
			if !checkArtifactName(c, nm) {
				continue
			}
			if prev, dup := wf.outputs[nm.Value]; dup {
				c.errorf("cc-duplicate-artifact", nm, "output artifact %q is already produced by action %s; artifact names must be unique in a workflow", nm.Value, prev.name)
				continue
			}
			wf.outputs[nm.Value] = a
		}
	}
	if v := o.get("Variables"); v != nil {
		items := c.strings(v, "Outputs.Variables")
		if len(items) > 256 {
			c.errorf("cc-outputs", v, "Outputs.Variables holds %d variables; at most 256 are allowed", len(items))
		}
		for _, it := range items {
			if !sourceName.MatchString(it.Value) || len(it.Value) > 255 {
				c.errorf("cc-outputs", it, "output variable %q must be 1-255 characters from A-Z, a-z, 0-9 and @-_", it.Value)
			}
		}
	}
	if r := o.get("Reports"); r != nil {
		checkReports(c, r)
	}
	if ad := o.get("AutoDiscoverReports"); ad != nil {
		ao, ok := c.object(ad, "AutoDiscoverReports", []string{"Enabled", "ExcludePaths", "IncludePaths", "ReportNamePrefix", "SuccessCriteria"}, nil)
		if ok {
			if e := ao.get("Enabled"); e != nil {
				c.boolean(e, "AutoDiscoverReports.Enabled")
			}
			for _, k := range []string{"ExcludePaths", "IncludePaths"} {
				if p := ao.get(k); p != nil {
					c.strings(p, "AutoDiscoverReports."+k)
				}
			}
		}
	}
}

// outputArtifacts returns the name nodes of [{Name, Files}] or {NAME: {Files}}.
func outputArtifacts(c *checker, n *yaml.Node) []*yaml.Node {
	var names []*yaml.Node
	checkFiles := func(o object) {
		f := o.get("Files")
		if f == nil {
			c.errorf("cc-outputs", o.node, "output artifact has no Files")
			return
		}
		if items := c.strings(f, "Files"); len(items) == 0 || len(items) > 256 {
			c.errorf("cc-outputs", f, "Files holds %d entries; 1-256 are allowed", len(items))
		}
	}
	if n.Kind == yaml.MappingNode {
		o, _ := c.mapping(n, "Outputs.Artifacts")
		for _, f := range o.fields {
			if ao, ok := c.object(f.val, "artifact "+f.key.Value, []string{"Files"}, nil); ok {
				checkFiles(ao)
			}
			names = append(names, f.key)
		}
	} else {
		items, _ := c.sequence(n, "Outputs.Artifacts")
		for _, it := range items {
			ao, ok := c.object(it, "an output artifact", []string{"Name", "Files"}, []string{"Name"})
			if !ok {
				continue
			}
			if nm := ao.get("Name"); nm != nil {
				if _, ok := c.str(nm, "artifact Name"); ok {
					names = append(names, nm)
				}
			}
			checkFiles(ao)
		}
	}
	if len(names) > 5 {
		c.errorf("cc-outputs", n, "Outputs.Artifacts holds %d artifacts; at most 5 are allowed", len(names))
	}
	return names
}

var reportFormats = []string{
	"ESLINTJSON", "PYLINTJSON", "CUCUMBERJSON", "JUNITXML", "NUNIT3XML", "NUNITXML", "TESTNGXML",
	"VISUALSTUDIOTRX", "COBERTURAXML", "CLOVERXML", "SIMPLECOV", "JACOCOXML", "LCOV", "SARIFSCA", "SARIFSA",
	"CucumberJson", "JunitXml", "NunitXml", "Nunit3Xml", "TestngXml", "VisualStudioTRX", "CoberturaXml", "CloverXml", "SimpleCov", "JacocoXml",
}

// checkReports checks Outputs.Reports {NAME: {Format, IncludePaths, ...}}.
func checkReports(c *checker, n *yaml.Node) {
	o, ok := c.mapping(n, "Outputs.Reports")
	if !ok {
		return
	}
	for _, f := range o.fields {
		ro, ok := c.object(f.val, fmt.Sprintf("report %s", f.key.Value), []string{"Format", "SuccessCriteria", "IncludePaths", "ExcludePaths"}, []string{"Format", "IncludePaths"})
		if !ok {
			continue
		}
		if fm := ro.get("Format"); fm != nil {
			c.enum("cc-reports", fm, "report Format", reportFormats...)
		}
		for _, k := range []string{"IncludePaths", "ExcludePaths"} {
			if p := ro.get(k); p != nil {
				c.strings(p, k)
			}
		}
		if sc := ro.get("SuccessCriteria"); sc != nil {
			c.object(sc, "SuccessCriteria", []string{"PassRate", "LineCoverage", "BranchCoverage", "Vulnerabilities",
				"StaticAnalysisBug", "StaticAnalysisSecurity", "StaticAnalysisQuality", "StaticAnalysisCodeSmell",
				"StaticAnalysisOther", "StaticAnalysisFinding"}, nil)
		}
	}
}
