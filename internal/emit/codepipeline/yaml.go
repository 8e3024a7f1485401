package codepipeline

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/actionport/actionport/internal/yamlnode"
)

// Small builders for yamlnode trees (keys in order, comments kept); the
// yamlnode writer picks each string's style: a literal block for multi-line
// text, quotes for text that YAML 1.1 readers such as cfn-lint's would read as
// another type ("yes", "on", "1.0").
var get = yamlnode.Get

// nodes makes the YAML nodes of one conversion (the emitter embeds one). It
// hands out nodes, and the slices that hold a collection's content, from
// chunks: one allocation per chunk instead of one or two per node (a corpus
// conversion makes some 150k nodes). When a conversion has written its
// files its nodes are garbage, and the chunks go back to arenas for the next
// conversion (see Emit): no node may outlive its conversion.
type nodes struct {
	nodes chunks[yamlnode.Node]
	slots chunks[*yamlnode.Node]
	// buf is where documents are written before they are copied out at
	// their exact size (see encode).
	buf []byte
}

// Chunk sizes: a few chunks hold a typical conversion.
const (
	nodeChunk = 256
	slotChunk = 1024
)

// arenas keeps the nodes of a few finished conversions for reuse. (A
// sync.Pool missed often: its per-processor caches lose an arena when the
// converting goroutine moves to another processor, and every GC empties it.)
var arenas struct {
	sync.Mutex
	free []*nodes
}

// Limits of what arenas keeps: a few arenas (about one per conversion
// running at once), each of up to 8192 nodes, 16384 content slots and a
// 1 MB buffer (at most some 1.8 MB; a typical conversion of the corpus uses
// under 100 kB). Chunks beyond, made for the largest workflows, go to the GC.
const (
	keptArenas     = 4
	keptNodeChunks = 8192 / nodeChunk
	keptSlotChunks = 16384 / slotChunk
	keptBuffer     = 1 << 20
)

// getArena returns an arena to make a conversion's nodes.
func getArena() *nodes {
	arenas.Lock()
	defer arenas.Unlock()
	if n := len(arenas.free); n > 0 {
		b := arenas.free[n-1]
		arenas.free = arenas.free[:n-1]
		return b
	}
	return new(nodes)
}

// putArena resets b and keeps it for the next conversion unless enough
// arenas are kept.
func putArena(b *nodes) {
	b.reset()
	arenas.Lock()
	defer arenas.Unlock()
	if len(arenas.free) < keptArenas {
		arenas.free = append(arenas.free, b)
	}
}

// reset forgets every node handed out (zeroing them) to hand them out
// again, keeping no more than arenas keeps.
func (b *nodes) reset() {
	b.nodes.reset(keptNodeChunks)
	b.slots.reset(keptSlotChunks)
	b.buf = b.buf[:0]
	if cap(b.buf) > keptBuffer {
		b.buf = nil
	}
}

// encode renders a document, header comment lines then root, as
// yamlnode.Encode does, into a slice of its own of the exact size.
func (b *nodes) encode(header string, root *yamlnode.Node) []byte {
	b.buf = yamlnode.AppendDoc(append(b.buf[:0], header...), root)
	return bytes.Clone(b.buf)
}

// encodeString is encode returning a string.
func (b *nodes) encodeString(header string, root *yamlnode.Node) string {
	b.buf = yamlnode.AppendDoc(append(b.buf[:0], header...), root)
	return string(b.buf)
}

// node returns a new node of kind k.
func (b *nodes) node(k yamlnode.Kind) *yamlnode.Node {
	n := &b.nodes.take(1, nodeChunk)[0]
	n.Kind = k
	return n
}

// content returns an empty content slice with room for n nodes. Appending
// beyond that moves the content to a slice of its own.
func (b *nodes) content(n int) []*yamlnode.Node {
	if n > slotChunk/16 {
		return make([]*yamlnode.Node, 0, n)
	}
	return b.slots.take(n, slotChunk)[:0]
}

// chunks hands out zeroed slices of T cut from larger chunks, which it
// keeps for reuse after reset.
type chunks[T any] struct {
	all  [][]T // every chunk made; all[:next] have been handed out from
	next int
	free []T // the rest of all[next-1]
}

// take returns n zero elements (n <= size, the size of a new chunk).
func (c *chunks[T]) take(n, size int) []T {
	if len(c.free) < n {
		if c.next == len(c.all) {
			c.all = append(c.all, make([]T, size))
		}
		c.free = c.all[c.next]
		c.next++
	}
	s := c.free[:n:n]
	c.free = c.free[n:]
	return s
}

// reset zeroes what was handed out, to hand it out again; it keeps at most
// kept chunks.
func (c *chunks[T]) reset(kept int) {
	if len(c.all) > kept {
		clear(c.all[kept:]) // the GC's
		c.all = c.all[:kept]
	}
	for _, ch := range c.all[:min(c.next, kept)] {
		clear(ch)
	}
	c.next, c.free = 0, nil
}

// str returns a string scalar (see yamlnode.Str).
func (b *nodes) str(s string) *yamlnode.Node {
	n := b.node(yamlnode.ScalarNode)
	n.Value = s
	return n
}

// num returns an integer scalar.
func (b *nodes) num(i int) *yamlnode.Node {
	n := b.node(yamlnode.ScalarNode)
	n.Raw, n.Value = true, strconv.Itoa(i)
	return n
}

// boolean returns a boolean scalar.
func (b *nodes) boolean(v bool) *yamlnode.Node {
	n := b.node(yamlnode.ScalarNode)
	n.Raw, n.Value = true, strconv.FormatBool(v)
	return n
}

// seq returns a sequence of items.
func (b *nodes) seq(items ...*yamlnode.Node) *yamlnode.Node {
	n := b.node(yamlnode.SequenceNode)
	n.Content = append(b.content(len(items)), items...)
	return n
}

// strs returns a sequence of strings.
func (b *nodes) strs(ss []string) *yamlnode.Node {
	n := b.node(yamlnode.SequenceNode)
	n.Content = b.content(len(ss))
	for _, s := range ss {
		n.Content = append(n.Content, b.str(s))
	}
	return n
}

// mapping builds a mapping from alternating keys (string) and values
// (*yamlnode.Node, string, int or bool), with room for one more entry.
func (b *nodes) mapping(kv ...any) *yamlnode.Node {
	return b.mappingCap(len(kv)/2+1, kv...)
}

// mappingCap is mapping with room for entries key: value pairs.
func (b *nodes) mappingCap(entries int, kv ...any) *yamlnode.Node {
	m := b.node(yamlnode.MappingNode)
	m.Content = b.content(max(2*entries, len(kv)))
	for i := 0; i+1 < len(kv); i += 2 {
		b.set(m, kv[i].(string), b.value(kv[i+1]))
	}
	return m
}

// value is the node of a mapping value given as *yamlnode.Node, string, int or bool.
func (b *nodes) value(v any) *yamlnode.Node {
	switch x := v.(type) {
	case *yamlnode.Node:
		return x
	case string:
		return b.str(x)
	case int:
		return b.num(x)
	case bool:
		return b.boolean(x)
	}
	panic(fmt.Sprintf("codepipeline: unsupported YAML value %T", v))
}

// set appends key: v to mapping m. The key node may be shared (see
// key): never modify it.
func (b *nodes) set(m *yamlnode.Node, key string, v *yamlnode.Node) {
	m.Content = append(m.Content, b.key(key), v)
}

// setStr appends key: s to mapping m.
func (b *nodes) setStr(m *yamlnode.Node, key, s string) {
	b.set(m, key, b.str(s))
}

// key returns the node of a mapping key: shared (see sharedKeys) or new.
func (b *nodes) key(key string) *yamlnode.Node {
	if n := sharedKeys[key]; n != nil {
		return n
	}
	return b.str(key)
}

// sharedKeys holds one shared node for each of the few names that most
// mapping keys (some 120k of a corpus conversion) are. Shared key nodes are
// Raw, written as is: each is plain text that the writer would write
// unquoted (yaml_test.go checks it). A key that takes a comment must not be
// among them (no key here does; see template's Pipeline resource).
var sharedKeys = func() map[string]*yamlnode.Node {
	keys := []string{
		// template.yaml
		"AWSTemplateFormatVersion", "Description", "Parameters", "Resources", "Outputs", "Type", "Properties", "Default",
		"Value", "Ref", "Fn::Sub", "Fn::GetAtt", "DeletionPolicy", "UpdateReplacePolicy",
		"BucketEncryption", "ServerSideEncryptionConfiguration", "ServerSideEncryptionByDefault", "SSEAlgorithm",
		"VersioningConfiguration", "Status", "PublicAccessBlockConfiguration", "BlockPublicAcls", "BlockPublicPolicy",
		"IgnorePublicAcls", "RestrictPublicBuckets", "ConnectionArn", "FullRepositoryId", "BranchName",
		"AssumeRolePolicyDocument", "Policies", "PolicyName", "PolicyDocument", "Version", "Statement", "Effect",
		"Principal", "Service", "Action", "Resource",
		"Name", "ServiceRole", "Source", "BuildSpec", "Artifacts", "Environment", "ComputeType", "Image",
		"ImagePullCredentialsType", "PrivilegedMode", "TimeoutInMinutes", "Cache", "Modes", "BuildBatchConfig",
		"CombineArtifacts", "TimeoutInMins",
		"Stages", "Actions", "ActionTypeId", "Category", "Owner", "Provider", "RunOrder", "Configuration",
		"InputArtifacts", "OutputArtifacts", "Namespace", "PipelineType", "ExecutionMode", "Variables", "DefaultValue",
		"Triggers", "ProviderType", "GitConfiguration", "SourceActionName", "Push", "PullRequest", "Events", "Branches",
		"Tags", "FilePaths", "Includes", "Excludes", "RoleArn", "ArtifactStore", "Location",
		"ProjectName", "PrimarySource", "EnvironmentVariables", "BatchEnabled", "OutputArtifactFormat", "DetectChanges",
		"CustomData", "ExternalEntityLink",
		"ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Mode", "State", "Target", "Arn",
		// buildspecs
		"version", "env", "shell", "variables", "parameter-store", "secrets-manager", "exported-variables",
		"batch", "fast-fail", "build-matrix", "dynamic", "phases", "install", "runtime-versions", "pre_build",
		"build", "post_build", "commands", "steps", "artifacts", "files", "base-directory", "discard-paths",
		"secondary-artifacts", "cache", "paths", "AWS_REGION", "AWS_DEFAULT_REGION", "AP_MATRIX_INDEX",
		"name", "id", "if", "uses", "with", "run", "working-directory", "continue-on-error", "timeout-minutes",
	}
	m := make(map[string]*yamlnode.Node, len(keys))
	for _, k := range keys {
		m[k] = &yamlnode.Node{Kind: yamlnode.ScalarNode, Raw: true, Value: k}
	}
	return m
}()

// commentLines renders an untranslated item as "# actionport: reason" plus
// its original YAML, each line prefixed with "#   ".
func commentLines(reason, rule, original string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# actionport: %s [%s]", oneLine(reason), rule)
	for _, l := range strings.Split(strings.TrimRight(original, "\n"), "\n") {
		b.WriteString("\n#   " + l)
	}
	return b.String()
}

func addComment(n *yamlnode.Node, c string) {
	if c != "" {
		yamlnode.AddHead(n, c)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
