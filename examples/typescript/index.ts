// Pod Identity for a workload on an EKS cluster that exists, from TypeScript.
//
//   pulumi package add github.com/<owner>/eks-pod-identity@0.2.0   (generates the SDK; link it as it prints)
//   npm install
//   pulumi stack init dev
//   pulumi config set aws:region eu-west-1
//   pulumi config set clusterName my-cluster
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as podIdentity from "@pulumi/eks-pod-identity";

const config = new pulumi.Config();
const clusterName = config.require("clusterName");

// The ExternalDNS controller's role: the catalog entry scopes its policy to one hosted zone.
const externalDns = new podIdentity.PodIdentity("external-dns", {
    clusters: [clusterName],
    namespace: "external-dns",
    serviceAccount: "external-dns",
    wellKnown: {
        externalDns: { hostedZoneArns: ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"] },
    },
    trust: {
        scopeToClusters: true,
    },
});

export const roleArn = externalDns.roleArn;
export const associationIds = externalDns.associationIds;
