// Validates every object of a rendered kustomization (multi-document YAML on stdin) against the
// Kubernetes and Prometheus Operator schemas, through the models of kubernetes-models, which are
// generated from the upstream OpenAPI / CRD schemas. Talos' ServiceAccount has no published model:
// it is checked against the fields of its upstream CRD (spec.roles, a list of Talos roles).
// Prints one line per object; exits 1 when any object is invalid or of an unknown kind.
// With --each-line it validates the file named on each line of stdin instead, answering each with the same lines and
// then "exit 0" or "exit 1" and "end PATH": one process, and one load of the schemas (two CPU-seconds), for a whole test
// run (tests/EtcdRemediator.IntegrationTests/Deploy/SchemaValidator.cs). It ends when its stdin closes.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import yaml from "js-yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as monitoringV1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as monitoringV1alpha1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1";

const models = {
  "v1": core,
  "apps/v1": apps,
  "networking.k8s.io/v1": networking,
  "monitoring.coreos.com/v1": monitoringV1,
  "monitoring.coreos.com/v1alpha1": monitoringV1alpha1,
};

// siderolabs/talos: the talos.dev/v1alpha1 ServiceAccount CRD has spec.roles and nothing else.
const talosRoles = new Set(["os:admin", "os:operator", "os:reader", "os:etcd:backup", "os:impersonator"]);
function validateTalosServiceAccount(o) {
  const extra = Object.keys(o.spec ?? {}).filter((k) => k !== "roles");
  if (extra.length) throw new Error(`unknown spec fields: ${extra.join(", ")}`);
  if (!Array.isArray(o.spec?.roles) || o.spec.roles.length === 0) throw new Error("spec.roles must list at least one role");
  for (const role of o.spec.roles) if (!talosRoles.has(role)) throw new Error(`unknown Talos role '${role}'`);
  if (!o.metadata?.name) throw new Error("metadata.name is required");
}

// The lines to print for one rendered kustomization, and whether every object in it is valid.
function validate(text) {
  const docs = yaml.loadAll(text).filter(Boolean);
  const lines = [];
  let failed = 0;
  for (const o of docs) {
    const id = `${o.apiVersion} ${o.kind} ${o.metadata?.name}`;
    try {
      if (o.apiVersion === "talos.dev/v1alpha1" && o.kind === "ServiceAccount") validateTalosServiceAccount(o);
      else {
        const Model = models[o.apiVersion]?.[o.kind];
        if (!Model) throw new Error("no schema for this kind");
        new Model(o).validate();
      }
      lines.push(`valid   ${id}`);
    } catch (e) {
      failed++;
      lines.push(`INVALID ${id}: ${e.message}`);
    }
  }
  lines.push(`${docs.length} objects, ${failed} invalid`);
  return { lines, ok: failed === 0 && docs.length > 0 };
}

if (process.argv.includes("--each-line")) {
  for await (const path of createInterface({ input: process.stdin })) {
    let answer;
    try {
      const { lines, ok } = validate(readFileSync(path, "utf8"));
      answer = [...lines, `exit ${ok ? 0 : 1}`];
    } catch (e) {
      answer = [`INVALID ${path}: ${e.message}`, "exit 1"]; // unreadable YAML: this file fails, the process serves on
    }
    console.log([...answer, `end ${path}`].join("\n"));
  }
} else {
  const { lines, ok } = validate(readFileSync(0, "utf8"));
  console.log(lines.join("\n"));
  process.exit(ok ? 0 : 1);
}
