package lint

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	bsTopKeys   = []string{"version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"}
	bsEnvKeys   = []string{"shell", "variables", "parameter-store", "secrets-manager", "exported-variables", "git-credential-helper"}
	bsPhases    = []string{"install", "pre_build", "build", "post_build"}
	bsPhaseKeys = []string{"run-as", "on-failure", "runtime-versions", "commands", "steps", "finally"}
	onFailure   = regexp.MustCompile(`^(ABORT|CONTINUE|RETRY(-[0-9]+)?(-.+)?)$`)
	envVarName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	artKeys     = []string{"files", "name", "discard-paths", "base-directory", "exclude-paths", "enable-symlinks", "s3-prefix", "secondary-artifacts"}
	bsReportFmt = []string{"CUCUMBERJSON", "JUNITXML", "NUNITXML", "NUNIT3XML", "TESTNGXML", "VISUALSTUDIOTRX", "CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV"}
)

// checkBuildspec lints a CodeBuild buildspec.
func checkBuildspec(c *checker, root *yaml.Node) {
	top, ok := c.object(root, "the buildspec", bsTopKeys, nil)
	if !ok {
		return
	}
	switch v := top.get("version"); {
	case v == nil:
		c.errorf("bs-version", top.node, "the buildspec has no version; write version: 0.2")
	case v.Value == "0.1":
		c.warnf("bs-version", v, "version 0.1 runs each command in a separate shell; use version: 0.2")
	case v.Value != "0.2":
		c.errorf("bs-version", v, "version %q is not a buildspec version; write version: 0.2", v.Value)
	}
	if n := top.get("run-as"); n != nil {
		c.str(n, "run-as")
	}
	if n := top.get("env"); n != nil {
		checkBuildspecEnv(c, n)
	}
	if n := top.get("proxy"); n != nil {
		p, _ := c.object(n, "proxy", []string{"upload-artifacts", "logs"}, nil)
		for _, f := range p.fields {
			checkYesNo(c, f.val, "proxy."+f.key.Value)
		}
	}
	if n := top.get("batch"); n != nil {
		c.object(n, "batch", []string{"fast-fail", "build-list", "build-matrix", "build-graph", "build-fanout"}, nil)
	}
	switch n := top.get("phases"); {
	case n != nil:
		checkPhases(c, n)
	case top.get("batch") == nil:
		c.errorf("bs-required", top.node, "the buildspec has no phases")
	}
	if n := top.get("artifacts"); n != nil {
		checkBuildspecArtifacts(c, n, "artifacts", true)
	}
	if n := top.get("reports"); n != nil {
		checkBuildspecReports(c, n)
	}
	if n := top.get("cache"); n != nil {
		co, ok := c.object(n, "cache", []string{"paths", "key", "fallback-keys", "action"}, []string{"paths"})
		if ok {
			if p := co.get("paths"); p != nil {
				c.strings(p, "cache.paths")
			}
			if k := co.get("fallback-keys"); k != nil {
				c.strings(k, "cache.fallback-keys")
			}
			if a := co.get("action"); a != nil {
				c.enum("bs-cache", a, "cache.action", "restore", "save")
			}
		}
	}
}

func checkYesNo(c *checker, n *yaml.Node, what string) {
	if n.Kind != yaml.ScalarNode || (n.Value != "yes" && n.Value != "no") {
		c.errorf("bs-yes-no", n, "%s must be yes or no", what)
	}
}

// checkBuildspecEnv checks the env block.
func checkBuildspecEnv(c *checker, n *yaml.Node) {
	env, ok := c.object(n, "env", bsEnvKeys, nil)
	if !ok {
		return
	}
	if s := env.get("shell"); s != nil {
		if v, ok := c.str(s, "env.shell"); ok && !contains([]string{"bash", "/bin/sh", "sh", "powershell.exe", "cmd.exe", "pwsh"}, v) {
			c.warnf("bs-env", s, "env.shell %q is not one CodeBuild documents (bash, /bin/sh, powershell.exe, cmd.exe)", v)
		}
	}
	for _, k := range []string{"variables", "parameter-store", "secrets-manager"} {
		m := env.get(k)
		if m == nil {
			continue
		}
		o, _ := c.mapping(m, "env."+k)
		for _, f := range o.fields {
			if !envVarName.MatchString(f.key.Value) {
				c.errorf("bs-env", f.key, "env.%s name %q is not a valid environment variable name", k, f.key.Value)
			}
			v, ok := c.scalar(f.val, "env."+k+"."+f.key.Value)
			if ok && k == "secrets-manager" && !validSecretRef(v) {
				c.errorf("bs-secrets-manager", f.val, "secrets-manager value %q must be secret-id:json-key:version-stage:version-id (trailing parts optional)", v)
			}
		}
	}
	if ev := env.get("exported-variables"); ev != nil {
		for _, it := range c.strings(ev, "env.exported-variables") {
			if !envVarName.MatchString(it.Value) {
				c.errorf("bs-env", it, "exported variable %q is not a valid environment variable name", it.Value)
			}
		}
	}
	if g := env.get("git-credential-helper"); g != nil {
		checkYesNo(c, g, "env.git-credential-helper")
	}
}

// validSecretRef checks secret-id[:json-key[:version-stage[:version-id]]],
// where secret-id may be an ARN (which has six colons of its own).
func validSecretRef(v string) bool {
	parts := strings.Split(v, ":")
	if strings.HasPrefix(v, "arn:") {
		if len(parts) < 7 {
			return false
		}
		parts = append([]string{strings.Join(parts[:7], ":")}, parts[7:]...)
	}
	return parts[0] != "" && len(parts) <= 4
}

// checkPhases checks the phases block.
func checkPhases(c *checker, n *yaml.Node) {
	ph, ok := c.mapping(n, "phases")
	if !ok {
		return
	}
	for _, f := range ph.fields {
		name := f.key.Value
		if !contains(bsPhases, name) {
			c.errorf("bs-phase", f.key, "unknown phase %q; phases are %s", name, join(bsPhases))
			continue
		}
		p, ok := c.mapping(f.val, "phase "+name)
		if !ok {
			continue
		}
		for _, pf := range p.fields {
			k := pf.key.Value
			switch {
			case !contains(bsPhaseKeys, k):
				c.errorf("bs-phase-key", pf.key, "unknown key %q in phase %s; expected one of %s", k, name, join(bsPhaseKeys))
			case k == "runtime-versions" && name != "install":
				c.errorf("bs-phase-key", pf.key, "runtime-versions is allowed only in the install phase")
			}
		}
		if p.get("commands") != nil && p.get("steps") != nil {
			c.errorf("bs-commands-and-steps", p.keyNode("steps"), "phase %s has both commands and steps; a phase runs one or the other", name)
		}
		if cmds := p.get("commands"); cmds != nil {
			c.strings(cmds, "phase "+name+" commands")
		}
		if st := p.get("steps"); st != nil {
			items, _ := c.sequence(st, "phase "+name+" steps")
			for _, it := range items {
				c.mapping(it, "a step")
			}
		}
		if r := p.get("run-as"); r != nil {
			c.str(r, "run-as")
		}
		if of := p.get("on-failure"); of != nil {
			if v, ok := c.str(of, "on-failure"); ok && !onFailure.MatchString(v) {
				c.errorf("bs-on-failure", of, "on-failure %q must be ABORT, CONTINUE, RETRY, RETRY-count, RETRY-regex or RETRY-count-regex", v)
			}
		}
		if rv := p.get("runtime-versions"); rv != nil {
			rm, _ := c.mapping(rv, "runtime-versions")
			for _, r := range rm.fields {
				c.scalar(r.val, "runtime-versions."+r.key.Value)
			}
		}
		if fin := p.get("finally"); fin != nil {
			c.strings(fin, "phase "+name+" finally")
		}
	}
}

// checkBuildspecArtifacts checks artifacts (and each secondary artifact).
func checkBuildspecArtifacts(c *checker, n *yaml.Node, what string, primary bool) {
	keys := artKeys
	if !primary {
		keys = artKeys[:len(artKeys)-1]
	}
	o, ok := c.object(n, what, keys, []string{"files"})
	if !ok {
		return
	}
	for _, k := range []string{"files", "exclude-paths"} {
		if v := o.get(k); v != nil {
			c.strings(v, what+"."+k)
		}
	}
	for _, k := range []string{"discard-paths", "enable-symlinks"} {
		if v := o.get(k); v != nil {
			checkYesNo(c, v, what+"."+k)
		}
	}
	if sec := o.get("secondary-artifacts"); sec != nil {
		so, _ := c.mapping(sec, "artifacts.secondary-artifacts")
		for _, f := range so.fields {
			checkBuildspecArtifacts(c, f.val, "secondary artifact "+f.key.Value, false)
		}
	}
}

// checkBuildspecReports checks reports {NAME: {files, file-format, ...}}.
func checkBuildspecReports(c *checker, n *yaml.Node) {
	o, ok := c.mapping(n, "reports")
	if !ok {
		return
	}
	for _, f := range o.fields {
		r, ok := c.object(f.val, "report "+f.key.Value, []string{"files", "base-directory", "discard-paths", "file-format"}, []string{"files"})
		if !ok {
			continue
		}
		if fl := r.get("files"); fl != nil {
			c.strings(fl, "report files")
		}
		if ff := r.get("file-format"); ff != nil {
			c.enum("bs-reports", ff, "report file-format", bsReportFmt...)
		}
		if d := r.get("discard-paths"); d != nil {
			checkYesNo(c, d, "report discard-paths")
		}
	}
}
