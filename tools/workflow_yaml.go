package tools

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// maxWorkflowFile bounds the workflow file parseDispatch reads: GitHub's
// own limit on a workflow file is far below it.
const maxWorkflowFile = 512 << 10

// parseDispatch reads a workflow file's triggers (its "on" key, as a
// name, a list of names or a map) and the workflow_dispatch inputs.
// Only the parts it needs are decoded, through yaml.Node, so that the
// rest of a workflow (expressions, anchors) cannot make it fail.
// https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions#on
func parseDispatch(src []byte) (DispatchInputs, error) {
	var out DispatchInputs
	if len(src) > maxWorkflowFile {
		return out, fmt.Errorf("the file is larger than %d KB", maxWorkflowFile>>10)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return out, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return out, errors.New("it is not a YAML mapping")
	}
	// "on" is a string in YAML 1.2; a YAML 1.1 writer may have made it true.
	on := mapValue(doc.Content[0], "on", "true")
	if on == nil {
		return out, errors.New(`it has no "on" key`)
	}
	var dispatch *yaml.Node
	switch on.Kind {
	case yaml.ScalarNode:
		out.Triggers = []string{on.Value}
	case yaml.SequenceNode:
		for _, n := range on.Content {
			out.Triggers = append(out.Triggers, n.Value)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			out.Triggers = append(out.Triggers, on.Content[i].Value)
			if on.Content[i].Value == "workflow_dispatch" {
				dispatch = on.Content[i+1]
			}
		}
	default:
		return out, errors.New(`its "on" key is neither a name, a list nor a map`)
	}
	for _, t := range out.Triggers {
		if t == "workflow_dispatch" {
			out.Manual = true
		}
	}
	if dispatch == nil || dispatch.Kind != yaml.MappingNode {
		return out, nil
	}
	inputs := mapValue(dispatch, "inputs")
	if inputs == nil || inputs.Kind != yaml.MappingNode {
		return out, nil
	}
	for i := 0; i+1 < len(inputs.Content); i += 2 {
		in := DispatchInput{Name: inputs.Content[i].Value}
		spec := inputs.Content[i+1]
		if spec.Kind == yaml.MappingNode {
			if n := mapValue(spec, "description"); n != nil && n.Kind == yaml.ScalarNode {
				in.Description = toolkit.Untrusted(n.Value)
			}
			if n := mapValue(spec, "type"); n != nil && n.Kind == yaml.ScalarNode {
				in.Type = n.Value
			}
			if n := mapValue(spec, "required"); n != nil && n.Kind == yaml.ScalarNode {
				_ = n.Decode(&in.Required)
			}
			if n := mapValue(spec, "default"); n != nil && n.Kind == yaml.ScalarNode {
				in.Default = n.Value
			}
			if n := mapValue(spec, "options"); n != nil && n.Kind == yaml.SequenceNode {
				for _, o := range n.Content {
					in.Options = append(in.Options, o.Value)
				}
			}
		}
		out.Inputs = append(out.Inputs, in)
	}
	return out, nil
}

// mapValue returns the value of the first of keys in a mapping node.
func mapValue(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == k {
				return m.Content[i+1]
			}
		}
	}
	return nil
}
