using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>Runs one measurement (ours or the reference script) in a process of its own, echoing its output.</summary>
internal static class ChildProcess
{
    /// <summary>Runs this benchmark again with <paramref name="arguments"/> and returns the results it printed.</summary>
    public static List<JsonObject> RunSelf(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        // Under 'dotnet run' or 'dotnet X.dll' the process is the dotnet host: name our assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        return Run(start);
    }

    /// <summary>Runs a program, echoing its output, and returns the <see cref="Results.Prefix"/> lines it printed, parsed.</summary>
    public static List<JsonObject> Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Console.WriteLine($"--- {start.FileName} {string.Join(' ', start.ArgumentList)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var results = new List<JsonObject>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("    " + e.Data); };
        process.BeginErrorReadLine();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(Results.Prefix, StringComparison.Ordinal))
                results.Add(JsonNode.Parse(line[Results.Prefix.Length..])!.AsObject());
            else
                Console.WriteLine("    " + line);
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with code {process.ExitCode}.");
        return results;
    }
}
