namespace ImageGate.Policies.Model;

/// <summary>A pod controller an autogen variant applies to.</summary>
public sealed record AutogenTarget(string Group, string Version, string Resource, string Kind);

/// <summary>A pod-controller variant of a policy: the parent's name and metadata, a spec rewritten for the
/// controller's pod template, and match rules for <see cref="Targets"/>.</summary>
/// <param name="Key"><c>defaults</c> (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job) or <c>cronjobs</c>.</param>
public sealed record AutogenVariant(string Key, IReadOnlyList<AutogenTarget> Targets, ImageValidatingPolicy Policy);
