namespace ImageGate.TestSupport.Policies;

/// <summary>Kubernetes manifests for the policies in <see cref="TestPolicies"/>: one-container pods in one namespace.</summary>
public static class TestManifests
{
    /// <summary>A YAML stream of pods in <paramref name="ns"/>, each with one container <c>c</c> running its image,
    /// in the order given.</summary>
    public static string Pods(string ns, params (string Name, string Image)[] pods) =>
        string.Join("\n---\n", pods.Select(p =>
            $"apiVersion: v1\nkind: Pod\nmetadata: {{name: {p.Name}, namespace: {ns}}}\nspec:\n  containers:\n  - name: c\n    image: {p.Image}"));
}
