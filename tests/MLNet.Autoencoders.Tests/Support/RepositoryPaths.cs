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
    public static string ServingOnlyAssembly()
    {
        // The test assembly lives in .../bin/<Configuration>/net10.0/; ServingOnly is built alongside in its own bin.
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = baseDir.Name, configuration = baseDir.Parent!.Name;
        var path = Path.Combine(Root(), "samples", "ServingOnly", "bin", configuration, framework, "ServingOnly.dll");
        if (!File.Exists(path)) throw new FileNotFoundException("ServingOnly was not built with the tests", path);
        return path;
    }
}
