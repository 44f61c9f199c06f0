using System.Diagnostics;

namespace MLNet.Autoencoders.Tests.Support;

/// <summary>Runs samples/ServingOnly (built with the tests; it carries neither this library nor TorchSharp) in a fresh
/// process: it loads a model zip with plain ML.NET and checks its scores against an expected.json.</summary>
public static class ServingOnlyProcess
{
    /// <summary>Runs ServingOnly with <paramref name="arguments"/>; its exit code, stdout and stderr. Gives up after two minutes.</summary>
    public static async Task<(int Exit, string Output, string Errors)> Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.ServingOnlyAssembly());
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
