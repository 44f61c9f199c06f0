namespace MLNet.Autoencoders.Tests.Support;

public static class RepositoryPaths
{
    /// <summary>The folder holding MLNet.Autoencoders.sln, found by walking up from the test assembly.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.Autoencoders.sln"))) return dir.FullName;
        throw new InvalidOperationException("MLNet.Autoencoders.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>ServingOnly.dll, built in the same configuration as the tests (the test project references it for that).</summary>
    public static string ServingOnlyAssembly() => BuiltAlongside(Path.Combine("samples", "ServingOnly"), "ServingOnly.dll");

    /// <summary>The training host for the kill-and-resume tests, built with the tests.</summary>
    public static string TrainingHostAssembly() =>
        BuiltAlongside(Path.Combine("tests", "MLNet.Autoencoders.TrainingHost"), "MLNet.Autoencoders.TrainingHost.dll");

    private static string BuiltAlongside(string projectFolder, string assembly)
    {
        // The test assembly lives in .../bin/<Configuration>/net10.0/; the other project is built alongside in its own bin.
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = baseDir.Name, configuration = baseDir.Parent!.Name;
        var path = Path.Combine(Root(), projectFolder, "bin", configuration, framework, assembly);
        if (!File.Exists(path)) throw new FileNotFoundException($"{assembly} was not built with the tests", path);
        return path;
    }
}
