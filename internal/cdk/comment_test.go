package cdk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestUpsertStackComments: a 3-part comment shrinks to 1 part on the next
// run; part 1 is updated in place, parts 2 and 3 are deleted, and comments
// of other stacks or people are left alone.
func TestUpsertStackComments(t *testing.T) {
	comments := map[int64]string{
		1: "someone else's comment",
		2: Marker("A", 1) + "\nold part 1",
		3: Marker("A", 2) + "\nold part 2",
		4: Marker("AB", 1) + "\nother stack",
		5: Marker("A", 3) + "\nold part 3",
	}
	next := int64(6)
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, r.Method+" "+r.URL.Path)
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		switch {
		case r.Method == http.MethodGet:
			var list []map[string]any
			for id := int64(1); id < next; id++ {
				if b, ok := comments[id]; ok {
					list = append(list, map[string]any{"id": id, "body": b})
				}
			}
			_ = json.NewEncoder(w).Encode(list)
		case r.Method == http.MethodPatch:
			var id int64
			fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/repos/o/r/issues/comments/"), &id)
			comments[id] = in.Body
			fmt.Fprint(w, "{}")
		case r.Method == http.MethodPost:
			comments[next] = in.Body
			next++
			fmt.Fprint(w, "{}")
		case r.Method == http.MethodDelete:
			var id int64
			fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/repos/o/r/issues/comments/"), &id)
			delete(comments, id)
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	g := &GitHub{APIURL: srv.URL, Repo: "o/r", Token: "t"}
	if err := g.UpsertStackComments(context.Background(), 9, "A", []string{Marker("A", 1) + "\nnew"}); err != nil {
		t.Fatal(err)
	}
	if len(comments) != 3 || comments[2] != Marker("A", 1)+"\nnew" || comments[1] == "" || comments[4] == "" {
		t.Errorf("comments = %v\ncalls = %q", comments, calls)
	}
	if err := g.UpsertStackComments(context.Background(), 9, "C", []string{Marker("C", 1) + "\nfresh"}); err != nil {
		t.Fatal(err)
	}
	if comments[6] != Marker("C", 1)+"\nfresh" {
		t.Errorf("new stack comment not created: %v", comments)
	}
	// a 403 says which permission is missing
	g.APIURL = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"Resource not accessible by integration"}`, http.StatusForbidden)
	})).URL
	err := g.UpsertStackComments(context.Background(), 9, "A", []string{"x"})
	if err == nil || !strings.Contains(err.Error(), "pull-requests: write") {
		t.Errorf("403: %v", err)
	}
}
