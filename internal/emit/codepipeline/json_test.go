package codepipeline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
	"github.com/actionport/actionport/internal/yamlnode"
)

// The direct writers of json.go must produce what encoding/json produced
// from the tagged model before them: these tests keep that implementation
// as the reference.

// pipelineFile is pipeline.json's top level, for encoding/json.
type pipelineFile struct {
	Pipeline pipelineDecl `json:"pipeline"`
}

// MarshalJSON encodes a configuration as the map it replaced (sorted keys).
func (c configuration) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, len(c))
	for _, x := range c {
		m[x.k] = x.v
	}
	return json.Marshal(m)
}

// referenceJSON is pipeline.json as json.MarshalIndent wrote it.
func referenceJSON(t testing.TB, p pipelineDecl) []byte {
	b, err := json.MarshalIndent(pipelineFile{Pipeline: p}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// referenceCfnPipeline is the template's pipeline as it was made: the model
// marshaled to JSON, read back as a node tree, keys made PascalCase, the
// template's fields replaced.
func referenceCfnPipeline(t testing.TB, e *emitter, p pipelineDecl) *yamlnode.Node {
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		t.Fatal(err)
	}
	n, err := referenceJSONValue(dec, tok)
	if err != nil {
		t.Fatal(err)
	}
	referencePascal(n, false)
	e.set(n, "RoleArn", e.getAtt("PipelineRole", "Arn"))
	e.set(n, "ArtifactStore", e.mapping("Type", "S3", "Location", e.ref("ArtifactBucket")))
	e.set(n, "Name", e.sub("${AWS::StackName}"))
	// Drop the first Name, RoleArn and ArtifactStore (set again above).
	keep := n.Content[:0]
	limit := len(n.Content) - 6
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if i < limit && (k == "Name" || k == "RoleArn" || k == "ArtifactStore") {
			continue
		}
		keep = append(keep, n.Content[i], n.Content[i+1])
	}
	n.Content = keep
	for si, st := range get(n, "Stages").Content {
		for ai, a := range get(st, "Actions").Content {
			cfg := get(a, "Configuration")
			for i := 0; i+1 < len(cfg.Content); i += 2 {
				switch cfg.Content[i].Value {
				case "ConnectionArn", "FullRepositoryId", "BranchName":
					cfg.Content[i+1] = e.ref(cfg.Content[i].Value)
				case "ProjectName":
					cfg.Content[i+1] = e.ref(e.projectID(p.Stages[si].Actions[ai].unit))
				case "NotificationArn":
					cfg.Content[i+1] = e.topicRef()
				}
			}
		}
	}
	return n
}

func referencePascal(n *yamlnode.Node, inConfig bool) {
	if n.Kind == yamlnode.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !inConfig && k.Value != "" {
				k.Value = strings.ToUpper(k.Value[:1]) + k.Value[1:]
			}
			referencePascal(n.Content[i+1], k.Value == "Configuration")
		}
		return
	}
	for _, c := range n.Content {
		referencePascal(c, false)
	}
}

func referenceJSONValue(dec *json.Decoder, tok json.Token) (*yamlnode.Node, error) {
	switch t := tok.(type) {
	case json.Delim:
		kind, end := yamlnode.MappingNode, json.Delim('}')
		if t == '[' {
			kind, end = yamlnode.SequenceNode, ']'
		}
		n := &yamlnode.Node{Kind: kind}
		for {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			if tok == end {
				return n, nil
			}
			if kind == yamlnode.MappingNode {
				n.Content = append(n.Content, yamlnode.Str(tok.(string)))
				if tok, err = dec.Token(); err != nil {
					return nil, err
				}
			}
			c, err := referenceJSONValue(dec, tok)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
	case string:
		return yamlnode.Str(t), nil
	case json.Number:
		return &yamlnode.Node{Kind: yamlnode.ScalarNode, Raw: true, Value: string(t)}, nil
	case bool:
		return yamlnode.Bool(t), nil
	default:
		return &yamlnode.Node{Kind: yamlnode.ScalarNode, Raw: true, Value: "null"}, nil
	}
}

// checkModel compares both renderings of p with the references.
func checkModel(t *testing.T, name string, e *emitter, p pipelineDecl) {
	t.Helper()
	jp := e.jsonDecl(p)
	if got, want := appendPipelineJSON(nil, &jp), referenceJSON(t, jp); !bytes.Equal(got, want) {
		t.Errorf("%s: pipeline.json differs from encoding/json:\n%s", name, firstDiff(string(want), string(got)))
	}
	if got, want := yamlnode.Encode("", e.cfnPipeline(&p)), yamlnode.Encode("", referenceCfnPipeline(t, e, p)); !bytes.Equal(got, want) {
		t.Errorf("%s: template pipeline differs from the JSON round trip:\n%s", name, firstDiff(string(want), string(got)))
	}
}

// TestPipelineWritersMatchEncodingJSON checks the pipelines of the golden
// inputs and the corpus, with and without batch builds.
func TestPipelineWritersMatchEncodingJSON(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.yml")
	inputs = append(inputs, corpusFiles(t)...)
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, batch := range []bool{false, true} {
			w, _ := translate.Translate(in, src, translate.Options{})
			if w == nil {
				continue
			}
			opts := testOptions
			opts.BatchMatrix = batch
			e := newEmitter(w, opts)
			if p, ok := e.model(); ok {
				checkModel(t, in, e, p)
			}
		}
	}
}

// hostile are strings that exercise every escape of both writers.
var hostile = []string{
	"", "plain", "<a> & <b>", `quote " backslash \ slash /`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f",
	"line\u2028para\u2029", "é 😀 \ufffd", "bad \xff\xfe utf8 \xe2\x80", "yes", "1.0", "#{variables.X}", "${AWS::Region}",
}

// TestPipelineWritersHostile renders a model whose every string is hostile.
func TestPipelineWritersHostile(t *testing.T) {
	for i, s := range hostile {
		e := newEmitter(&ir.Workflow{BaseName: "w" + s}, Options{PipelineRoleARN: s, ArtifactBucket: s})
		u := &unit{name: "u" + s}
		x := &incEx{Includes: []string{s, s + "2"}, Excludes: []string{s}}
		p := pipelineDecl{
			PipelineType: s, ExecutionMode: s,
			Stages: []stage{
				{Name: s, Actions: []action{{
					Name: s, ActionTypeID: actionTypeID{s, s, s, s}, RunOrder: i,
					Configuration:   configuration{{"BranchName", s}, {"ConnectionArn", s}, {"Other" + s, s}},
					OutputArtifacts: []artifactRef{{s}}, Namespace: s,
				}}},
				{Name: "b", Actions: []action{{
					Name: "b", RunOrder: 1, unit: u,
					Configuration:  configuration{{"EnvironmentVariables", envJSON([]envVar{{s, s, s}, {"B", s, "PLAINTEXT"}})}, {"ProjectName", s}},
					InputArtifacts: []artifactRef{{s}, {"x"}},
				}}},
			},
			Variables: []variable{{Name: s, DefaultValue: s, Description: s}, {Name: "only"}},
			Triggers: []trigger{{ProviderType: s, GitConfiguration: gitConfig{
				SourceActionName: s,
				Push:             []gitFilter{{Branches: x, FilePaths: &incEx{}}, {Tags: x}},
				PullRequest:      []gitFilter{{Events: []string{s, "OPEN"}, Branches: x, FilePaths: x}},
			}}},
		}
		checkModel(t, "hostile "+string(rune('a'+i)), e, p)
	}
}

// FuzzJSONString compares appendJSONString with encoding/json and jsonText
// with a JSON round trip.
func FuzzJSONString(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatal(err)
		}
		if got := jsonText(s); got != back {
			t.Fatalf("jsonText(%q) = %q, want %q", s, got, back)
		}
	})
}

// TestJSONWriterDeep checks the indentation of deeper levels than
// pipeline.json has.
func TestJSONWriterDeep(t *testing.T) {
	var v any = "x"
	w := jsonWriter{indent: true}
	for range 25 {
		v = []any{v}
		w.open('[')
		w.item()
	}
	w.b = appendJSONString(w.b, "x")
	for range 25 {
		w.close(']')
	}
	want, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.b, want) {
		t.Errorf("deep nesting:\n%s\nwant\n%s", w.b, want)
	}
}
