// helm-render renders a Helm chart's templates the way `helm template` does, for the chart tests
// on machines without the helm binary: the same engine (Go text/template with the sprig function
// library) and Helm's own additions (include, tpl, required, toYaml, fromYaml, toJson, fromJson,
// fail via sprig), the built-in objects .Values, .Release, .Chart, .Capabilities and .Template,
// partials (files starting with "_") not rendered, "<no value>" rendered empty as Helm does.
//
//	helm-render CHART_DIR [-f values.yaml ...] [--namespace NS] [--release NAME]
//
// Writes every rendered manifest to stdout, each preceded by "# Source: <chart>/templates/<file>",
// and exits 1 with the template error on stderr when rendering fails.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type values = map[string]interface{}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "helm-render:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: helm-render CHART_DIR [-f values.yaml ...] [--namespace NS] [--release NAME]")
	}
	chartDir, namespace, release := args[0], "default", "herald"
	var valueFiles []string
	for i := 1; i < len(args); i++ {
		if i+1 >= len(args) {
			return fmt.Errorf("%s needs a value", args[i])
		}
		switch args[i] {
		case "-f", "--values":
			valueFiles = append(valueFiles, args[i+1])
		case "-n", "--namespace":
			namespace = args[i+1]
		case "--release":
			release = args[i+1]
		default:
			return fmt.Errorf("unknown option %s", args[i])
		}
		i++
	}
	chart, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	vals, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range valueFiles {
		override, err := readYAML(f)
		if err != nil {
			return err
		}
		vals = coalesce(override, vals)
	}
	chartName, _ := chart["name"].(string)
	top := values{
		"Values": vals,
		"Release": values{"Name": release, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":        chartObject(chart),
		"Capabilities": values{"KubeVersion": values{"Version": "v1.30.0", "Major": "1", "Minor": "30"}},
	}
	return render(chartDir, chartName, top)
}

// chartObject gives Chart.yaml's fields under Helm's capitalised names (.Chart.Name, .Chart.AppVersion).
func chartObject(chart values) values {
	out := values{}
	for k, v := range chart {
		out[strings.ToUpper(k[:1])+k[1:]] = v
	}
	return out
}

func readYAML(path string) (values, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := values{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// coalesce merges user values over the chart's defaults: maps merge key by key, anything else is
// replaced, and a null removes the default (Helm's rules).
func coalesce(user, defaults values) values {
	out := values{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range user {
		if v == nil {
			delete(out, k)
			continue
		}
		um, uok := v.(map[string]interface{})
		dm, dok := out[k].(map[string]interface{})
		if uok && dok {
			out[k] = coalesce(um, dm)
		} else {
			out[k] = v
		}
	}
	return out
}

func render(chartDir, chartName string, top values) error {
	templatesDir := filepath.Join(chartDir, "templates")
	entries, err := os.ReadDir(templatesDir)
	if err != nil {
		return err
	}
	root := template.New("root").Option("missingkey=zero")
	funcs := funcMap(root)
	root.Funcs(funcs)
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(templatesDir, e.Name()))
		if err != nil {
			return err
		}
		name := chartName + "/templates/" + e.Name()
		if _, err := root.New(name).Parse(string(data)); err != nil {
			return err
		}
		if !strings.HasPrefix(e.Name(), "_") && e.Name() != "NOTES.txt" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		var buf bytes.Buffer
		scope := values{}
		for k, v := range top {
			scope[k] = v
		}
		scope["Template"] = values{"Name": name, "BasePath": chartName + "/templates"}
		if err := root.ExecuteTemplate(&buf, name, scope); err != nil {
			return err
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(out) == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s\n%s\n", name, strings.TrimRight(out, "\n"))
	}
	return nil
}

// funcMap is sprig's text functions without env/expandenv (Helm removes them) plus Helm's own.
func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(s string) values {
		out := values{}
		if err := yaml.Unmarshal([]byte(s), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["fromJson"] = func(s string) values {
		out := values{}
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	f["required"] = func(message string, v interface{}) (interface{}, error) {
		if v == nil {
			return nil, errors.New(message)
		}
		if s, ok := v.(string); ok && s == "" {
			return nil, errors.New(message)
		}
		return v, nil
	}
	f["lookup"] = func(string, string, string, string) values { return values{} }
	return f
}
