using System.Diagnostics;
using Xunit;

namespace MLNet.Autoencoders.Tests.Support;

/// <summary>Runs the TrainingHost in one of its report modes ("mkl", "glibc") in a fresh process and returns the lines it
/// printed: for what only a process's first moments can show (what loading did, where glibc's memory came from).</summary>
public static class TrainingHostProcess
{
    /// <summary>Runs <c>TrainingHost <paramref name="mode"/></c> with <paramref name="environment"/> applied to a copy of
    /// this process's environment (a null value removes the variable); fails the test unless it exits 0 within 2 minutes.</summary>
    public static async Task<string[]> Report(string mode, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.TrainingHostAssembly());
        start.ArgumentList.Add(mode);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        string errors = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{errors}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
