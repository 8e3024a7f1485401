package codepipeline

import (
	"strconv"
	"unicode/utf8"
)

// pipeline.json is written directly rather than with encoding/json: the
// reflection-driven MarshalIndent (marshal, then re-scan to indent) was a
// large part of the emitter's cost. The output is byte for byte what
// json.MarshalIndent(pipelineFile{p}, "", "  ") wrote, with its default HTML
// escaping (json_test.go checks this against encoding/json); the json tags
// of the model document the same names.

// jsonWriter appends JSON to b: indented by two spaces per level like
// json.MarshalIndent(v, "", "  ") when indent is set, compact like
// json.Marshal otherwise.
type jsonWriter struct {
	b      []byte
	indent bool
	depth  int
	// first is true right after an opening bracket, before the first element.
	first bool
}

// open starts an object ('{') or array ('[').
func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = true
}

// close ends the innermost object ('}') or array (']').
func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.first {
		w.newline()
	}
	w.b = append(w.b, c)
	w.first = false
}

// item starts an array element (or an object member, see key).
func (w *jsonWriter) item() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.newline()
}

// key starts an object member; its value follows.
func (w *jsonWriter) key(k string) {
	w.item()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
	if w.indent {
		w.b = append(w.b, ' ')
	}
}

// spaces is the indentation of a few levels.
const spaces = "                                "

func (w *jsonWriter) newline() {
	if !w.indent {
		return
	}
	w.b = append(w.b, '\n')
	for n := 2 * w.depth; n > 0; {
		k := min(n, len(spaces))
		w.b = append(w.b, spaces[:k]...)
		n -= k
	}
}

// field writes the member k: v.
func (w *jsonWriter) field(k, v string) {
	w.key(k)
	w.b = appendJSONString(w.b, v)
}

// optField writes k: v unless v is empty (omitempty).
func (w *jsonWriter) optField(k, v string) {
	if v != "" {
		w.field(k, v)
	}
}

// strings writes k: [ss...] unless ss is empty (omitempty).
func (w *jsonWriter) strings(k string, ss []string) {
	if len(ss) == 0 {
		return
	}
	w.key(k)
	w.open('[')
	for _, s := range ss {
		w.item()
		w.b = appendJSONString(w.b, s)
	}
	w.close(']')
}

// artifacts writes k: [{"name": ...}...] unless refs is empty (omitempty).
func (w *jsonWriter) artifacts(k string, refs []artifactRef) {
	if len(refs) == 0 {
		return
	}
	w.key(k)
	w.open('[')
	for _, r := range refs {
		w.item()
		w.open('{')
		w.field("name", r.Name)
		w.close('}')
	}
	w.close(']')
}

// appendPipelineJSON appends pipeline.json ({"pipeline": p}, indented, with
// a final newline) to b.
func appendPipelineJSON(b []byte, p *pipelineDecl) []byte {
	w := jsonWriter{b: b, indent: true}
	w.open('{')
	w.key("pipeline")
	w.open('{')
	w.field("name", p.Name)
	w.field("roleArn", p.RoleArn)
	w.key("artifactStore")
	w.open('{')
	w.field("type", p.ArtifactStore.Type)
	w.field("location", p.ArtifactStore.Location)
	w.close('}')
	w.key("stages")
	w.open('[')
	for _, st := range p.Stages {
		w.item()
		w.open('{')
		w.field("name", st.Name)
		w.key("actions")
		w.open('[')
		for i := range st.Actions {
			w.item()
			w.action(&st.Actions[i])
		}
		w.close(']')
		if st.Entry != nil {
			w.entry(st.Entry)
		}
		w.close('}')
	}
	w.close(']')
	w.field("pipelineType", p.PipelineType)
	w.field("executionMode", p.ExecutionMode)
	if len(p.Variables) > 0 {
		w.key("variables")
		w.open('[')
		for _, v := range p.Variables {
			w.item()
			w.open('{')
			w.field("name", v.Name)
			w.optField("defaultValue", v.DefaultValue)
			w.optField("description", v.Description)
			w.close('}')
		}
		w.close(']')
	}
	if len(p.Triggers) > 0 {
		w.key("triggers")
		w.open('[')
		for i := range p.Triggers {
			w.item()
			w.trigger(&p.Triggers[i])
		}
		w.close(']')
	}
	w.close('}')
	w.close('}')
	return append(w.b, '\n')
}

// action writes one pipeline action object.
func (w *jsonWriter) action(a *action) {
	w.open('{')
	w.field("name", a.Name)
	w.key("actionTypeId")
	w.open('{')
	w.field("category", a.ActionTypeID.Category)
	w.field("owner", a.ActionTypeID.Owner)
	w.field("provider", a.ActionTypeID.Provider)
	w.field("version", a.ActionTypeID.Version)
	w.close('}')
	w.key("runOrder")
	w.b = strconv.AppendInt(w.b, int64(a.RunOrder), 10)
	w.key("configuration")
	w.open('{')
	for _, c := range a.Configuration {
		w.field(c.k, c.v)
	}
	w.close('}')
	w.artifacts("inputArtifacts", a.InputArtifacts)
	w.artifacts("outputArtifacts", a.OutputArtifacts)
	w.optField("namespace", a.Namespace)
	w.close('}')
}

// trigger writes one V2 trigger object.
func (w *jsonWriter) trigger(t *trigger) {
	w.open('{')
	w.field("providerType", t.ProviderType)
	w.key("gitConfiguration")
	w.open('{')
	w.field("sourceActionName", t.GitConfiguration.SourceActionName)
	w.gitFilters("push", t.GitConfiguration.Push)
	w.gitFilters("pullRequest", t.GitConfiguration.PullRequest)
	w.close('}')
	w.close('}')
}

// gitFilters writes k: [filters...] unless fs is empty (omitempty).
func (w *jsonWriter) gitFilters(k string, fs []gitFilter) {
	if len(fs) == 0 {
		return
	}
	w.key(k)
	w.open('[')
	for _, f := range fs {
		w.item()
		w.open('{')
		w.strings("events", f.Events)
		w.incEx("branches", f.Branches)
		w.incEx("tags", f.Tags)
		w.incEx("filePaths", f.FilePaths)
		w.close('}')
	}
	w.close(']')
}

// incEx writes k: {"includes": [...], "excludes": [...]} unless x is nil.
func (w *jsonWriter) incEx(k string, x *incEx) {
	if x == nil {
		return
	}
	w.key(k)
	w.open('{')
	w.strings("includes", x.Includes)
	w.strings("excludes", x.Excludes)
	w.close('}')
}

// envJSON is an action's EnvironmentVariables value: the variables as a
// compact JSON array.
func envJSON(env []envVar) string {
	w := jsonWriter{b: make([]byte, 0, 64*len(env))}
	w.open('[')
	for _, v := range env {
		w.item()
		w.open('{')
		w.field("name", v.Name)
		w.field("value", v.Value)
		w.field("type", v.Type)
		w.close('}')
	}
	w.close(']')
	return string(w.b)
}

const lowerHex = "0123456789abcdef"

// jsonSafe tells the ASCII bytes that encoding/json writes as they are (with
// HTML escaping): printable ones other than ", \, <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string, escaped exactly as
// encoding/json escapes it by default: ", \ and control characters, the
// HTML-sensitive <, > and &, U+2028 and U+2029, and each byte of invalid
// UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', lowerHex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonText is s as a JSON round trip returns it: each byte of invalid UTF-8
// becomes U+FFFD (template.yaml's pipeline was once made that way).
func jsonText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

// entry writes a stage's "beforeEntry": one condition of VariableCheck rules.
func (w *jsonWriter) entry(c *entryCondition) {
	w.key("beforeEntry")
	w.open('{')
	w.key("conditions")
	w.open('[')
	w.item()
	w.open('{')
	w.field("result", c.Result)
	w.key("rules")
	w.open('[')
	for _, r := range c.Rules {
		w.item()
		w.open('{')
		w.field("name", r.Name)
		w.key("ruleTypeId")
		w.open('{')
		w.field("category", "Rule")
		w.field("owner", "AWS")
		w.field("provider", "VariableCheck")
		w.field("version", "1")
		w.close('}')
		w.key("configuration")
		w.open('{')
		w.field("Operator", r.Operator)
		w.field("Value", r.Value)
		w.field("Variable", r.Variable)
		w.close('}')
		w.close('}')
	}
	w.close(']')
	w.close('}')
	w.close(']')
	w.close('}')
}
