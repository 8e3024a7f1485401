package codepipeline

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/yamlnode"
)

// unit is one CodeBuild project (a job, or every combination of a matrix job).
type unit struct {
	name  string
	jobs  []*ir.Job
	specs []*jobSpec
	// actionEnv holds each job's action environment variables.
	actionEnv [][]envVar
	// buildspec is the merged spec rendered by buildspecDoc.
	merged *jobSpec
	batch  bool
	// matrixVars are per-combination values selected in the build by AP_MATRIX_INDEX (batch mode).
	matrixVars [][]kv
	// spec is the buildspec file of the project (nil with InlineBuildspecs).
	spec *specFile
	// role is the logical id of the project's service role; deployRole is
	// set when the project assumes DeployRoleArn (see buildRoles).
	role       string
	deployRole bool
}

// sanitize makes a name usable as a CodePipeline or CodeBuild name: each
// run of characters other than A-Z, a-z, 0-9, _ and - becomes one -, and
// leading and trailing dashes go.
func sanitize(s string) string {
	if !safeName(s) {
		b := make([]byte, 0, len(s))
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case safeNameByte(c):
				b = append(b, c)
			case i == 0 || safeNameByte(s[i-1]): // the first byte of a run
				b = append(b, '-')
			}
		}
		s = string(b)
	}
	s = strings.Trim(s, "-")
	if s == "" {
		s = "job"
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// safeName reports whether sanitize keeps every byte of s.
func safeName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !safeNameByte(s[i]) {
			return false
		}
	}
	return true
}

func safeNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (e *emitter) unitName(j *ir.Job) string {
	if u := e.unitOf[j.Key]; u != nil {
		return u.name
	}
	if j.Group != "" {
		return sanitize(j.Group)
	}
	return sanitize(j.Key)
}

// namespace is the action namespace of a job's action.
func namespace(j *ir.Job) string {
	return "ns-" + sanitize(j.Key)
}

// artifactName is the pipeline artifact name of an upload.
func (e *emitter) artifactName(j *ir.Job, name string) string {
	k := j.Key + "\x00" + name
	if n, ok := e.artNames[k]; ok {
		return n
	}
	base := strings.ReplaceAll(sanitize(name), "-", "_")
	n := base
	for i := 2; e.artUsed[n]; i++ {
		n = fmt.Sprintf("%s_%s", base, strings.ReplaceAll(sanitize(j.Key), "-", "_"))
		if i > 2 {
			n = fmt.Sprintf("%s_%d", n, i)
		}
	}
	e.artUsed[n] = true
	e.artNames[k] = n
	return n
}

// levels assigns each job its dependency level (1 for jobs without needs).
func (e *emitter) levels(jobs []*ir.Job) {
	for _, j := range jobs {
		l := 1
		for _, n := range j.Needs {
			if p, ok := e.level[n]; ok && p+1 > l {
				l = p + 1
			}
		}
		e.level[j.Key] = l
	}
}

// before reports whether p's action runs in a stage before j's.
func (e *emitter) before(p, j *ir.Job) bool {
	lp, ok1 := e.level[p.Key]
	lj, ok2 := e.level[j.Key]
	return ok1 && ok2 && lp < lj
}

// shape summarizes what must be equal for matrix combinations to share a project.
func (s *jobSpec) shape() string {
	var b strings.Builder
	b.WriteString(s.shapeHead())
	for _, c := range s.pre {
		b.WriteString(c.text + "\x00")
	}
	for _, c := range s.post {
		b.WriteString(c.text + "\x00")
	}
	for _, n := range s.steps {
		b.Write(yamlnode.Encode("", n))
	}
	fmt.Fprintf(&b, "|%v|%v|%v|", sortedKV(s.refs.secrets), sortedKV(s.refs.params), s.job.TimeoutMinutes)
	for _, r := range s.runtimes {
		b.WriteString(r.k + ",")
	}
	return b.String()
}

// shapeHead is the start of shape: the compute environment, artifacts and such.
func (s *jobSpec) shapeHead() string {
	return fmt.Sprintf("%v|%v|%v|%v|%v|%v|%v|", s.comp, s.privileged, s.inputs, s.outputs, s.cache, s.exported, len(s.build))
}

// sameShape reports whether a.shape() == b.shape(). Specs whose parts are
// equal have equal shapes; shapes whose heads differ (in the length both
// have) differ. Only otherwise are the shapes built and compared.
func sameShape(a, b *jobSpec) bool {
	if a.shapeEqual(b) {
		return true
	}
	ha, hb := a.shapeHead(), b.shapeHead()
	if n := min(len(ha), len(hb)); ha[:n] != hb[:n] {
		return false
	}
	return a.shape() == b.shape()
}

// shapeEqual reports whether the parts that shape describes are equal.
func (s *jobSpec) shapeEqual(o *jobSpec) bool {
	return s.comp == o.comp && s.privileged == o.privileged && slices.Equal(s.inputs, o.inputs) &&
		slices.EqualFunc(s.outputs, o.outputs, outArtifact.equal) && slices.Equal(s.cache, o.cache) &&
		slices.Equal(s.exported, o.exported) && len(s.build) == len(o.build) &&
		slices.EqualFunc(s.pre, o.pre, sameText) && slices.EqualFunc(s.post, o.post, sameText) &&
		slices.EqualFunc(s.steps, o.steps, nodesEqual) &&
		maps.Equal(s.refs.secrets, o.refs.secrets) && maps.Equal(s.refs.params, o.refs.params) &&
		s.job.TimeoutMinutes == o.job.TimeoutMinutes && slices.EqualFunc(s.runtimes, o.runtimes, sameKey)
}

func (a outArtifact) equal(b outArtifact) bool {
	return a.name == b.name && a.base == b.base && a.discard == b.discard && slices.Equal(a.files, b.files)
}

func sameText(a, b command) bool { return a.text == b.text }

func sameKey(a, b kv) bool { return a.k == b.k }

// nodesEqual reports whether two node trees are equal (and so written the same).
func nodesEqual(a, b *yamlnode.Node) bool {
	if a == b {
		return true
	}
	return a.Kind == b.Kind && a.Raw == b.Raw && a.Quoted == b.Quoted && a.Value == b.Value &&
		a.HeadComment == b.HeadComment && a.FootComment == b.FootComment &&
		slices.EqualFunc(a.Content, b.Content, nodesEqual)
}

// buildUnits groups the jobs into projects, merging matrix combinations
// whose buildspecs differ only in values.
func (e *emitter) buildUnits(jobs []*ir.Job) {
	var groups [][]*ir.Job
	idx := map[string]int{}
	for _, j := range jobs {
		if j.Group == "" {
			groups = append(groups, []*ir.Job{j})
			continue
		}
		if i, ok := idx[j.Group]; ok {
			groups[i] = append(groups[i], j)
			continue
		}
		idx[j.Group] = len(groups)
		groups = append(groups, []*ir.Job{j})
	}
	for _, g := range groups {
		specs := make([]*jobSpec, len(g))
		for i, j := range g {
			specs[i] = e.specs[j.Key]
		}
		if len(g) == 1 {
			e.addUnit(&unit{name: e.uniqueUnit(sanitize(g[0].Key)), jobs: g, specs: specs})
			continue
		}
		same := true
		for _, s := range specs[1:] {
			if !sameShape(specs[0], s) {
				same = false
				break
			}
		}
		if !same {
			e.d.add(RuleMatrixSplit, diag.Info, g[0].Pos, "the combinations of matrix job %q differ in more than values (artifacts, services, images, inputs or secrets); each combination gets its own CodeBuild project", g[0].Group)
			for i, j := range g {
				e.addUnit(&unit{name: e.uniqueUnit(sanitize(j.Key)), jobs: []*ir.Job{j}, specs: specs[i : i+1]})
			}
			continue
		}
		e.addUnit(&unit{name: e.uniqueUnit(sanitize(g[0].Group)), jobs: g, specs: specs})
	}
}

func (e *emitter) uniqueUnit(n string) string {
	base := n
	for i := 2; e.unitNames[n]; i++ {
		n = fmt.Sprintf("%s-%d", base, i)
	}
	e.unitNames[n] = true
	return n
}

func (e *emitter) addUnit(u *unit) {
	for _, j := range u.jobs {
		e.unitOf[j.Key] = u
	}
	e.merge(u)
	e.units = append(e.units, u)
}

// merge builds the unit's shared spec; values that differ between
// combinations move to each action's environment variables.
func (e *emitter) merge(u *unit) {
	first := u.specs[0]
	m := *first
	u.merged = &m
	u.actionEnv = make([][]envVar, len(u.specs))
	for i, s := range u.specs {
		u.actionEnv[i] = s.refs.pipelineEnv()
	}
	if len(u.specs) == 1 {
		return
	}
	per := make([][]kv, len(u.specs))
	for i := range u.specs {
		per[i] = []kv{{"AP_MATRIX_INDEX", fmt.Sprint(i + 1)}}
	}
	// env.variables: keep the values every combination shares.
	m.vars = nil
	for _, v := range first.vars {
		shared := true
		for _, s := range u.specs[1:] {
			if val, ok := lookup(s.vars, v.k); !ok || val != v.v {
				shared = false
			}
		}
		if shared {
			m.vars = append(m.vars, v)
		}
	}
	for i, s := range u.specs {
		for _, v := range s.vars {
			if _, ok := lookup(m.vars, v.k); !ok {
				per[i] = append(per[i], v)
			}
		}
	}
	// runtime-versions: a differing version is read from AP_RUNTIME_<NAME>.
	m.runtimes = nil
	for ri, rt := range first.runtimes {
		shared := true
		for _, s := range u.specs[1:] {
			if s.runtimes[ri].v != rt.v {
				shared = false
			}
		}
		if shared {
			m.runtimes = append(m.runtimes, rt)
			continue
		}
		env := "AP_RUNTIME_" + strings.ToUpper(rt.k)
		m.runtimes = append(m.runtimes, kv{rt.k, "$" + env})
		for i, s := range u.specs {
			per[i] = append(per[i], kv{env, s.runtimes[ri].v})
		}
	}
	// build commands: a command that differs becomes a case on AP_MATRIX_INDEX.
	m.build = make([]command, len(first.build))
	for ci, c := range first.build {
		shared := true
		for _, s := range u.specs[1:] {
			if s.build[ci].text != c.text {
				shared = false
			}
		}
		if shared {
			m.build[ci] = c
			continue
		}
		if first.windows() {
			m.build[ci] = command{text: psMatrixSwitch(u.specs, ci), comment: c.comment}
			continue
		}
		var b strings.Builder
		b.WriteString(`case "${AP_MATRIX_INDEX:-1}" in`)
		for i, s := range u.specs {
			b.WriteString("\n")
			b.WriteString(strconv.Itoa(i + 1))
			b.WriteString(")\n")
			b.WriteString(s.build[ci].text)
			b.WriteString("\n;;")
		}
		b.WriteString("\nesac")
		m.build[ci] = command{text: b.String(), comment: c.comment}
	}
	if e.opts.BatchMatrix {
		if first.windows() {
			e.d.add(RuleMatrixSplit, diag.Info, u.jobs[0].Pos, "matrix job %q runs on Windows: a batch build sets a combination's values in one command for the commands after it, which the PowerShell buildspec of a Windows job does not rely on (each step's command stands alone); one pipeline action per combination is used instead of --batch", u.jobs[0].Group)
		} else if containsPrefix(m.runtimes, "$") {
			e.d.add(RuleMatrixSplit, diag.Info, u.jobs[0].Pos, "matrix job %q: the combinations use different runtime versions, which a batch build cannot select; one pipeline action per combination is used instead of --batch", u.jobs[0].Group)
		} else {
			u.batch = true
			u.matrixVars = per
			if len(first.job.Outputs) > 0 {
				e.d.add(RuleOutputs, diag.Warning, first.job.Outputs[0].Pos, "outputs of a batch build are not exported to the pipeline; consumers of %q read empty values. Convert without --batch", first.job.Group)
			}
			return
		}
	}
	for i := range u.specs {
		for _, v := range per[i] {
			u.actionEnv[i] = append(u.actionEnv[i], envVar{Name: v.k, Value: v.v, Type: "PLAINTEXT"})
		}
	}
}

func lookup(kvs []kv, k string) (string, bool) {
	for _, x := range kvs {
		if x.k == k {
			return x.v, true
		}
	}
	return "", false
}

func containsPrefix(kvs []kv, p string) bool {
	for _, x := range kvs {
		if strings.HasPrefix(x.v, p) {
			return true
		}
	}
	return false
}
