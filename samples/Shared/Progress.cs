using System.Diagnostics;

namespace MLNet.Autoencoders.Samples;

/// <summary>One line per epoch with the loss and the time left, fed by the library's <see cref="EpochReport"/>s.
/// Quiet when the output is redirected (logs, CI), where only the final tables matter.</summary>
internal static class Progress
{
    public static Action<EpochReport> For(string name)
    {
        var watch = Stopwatch.StartNew();
        int done = 0;
        return report =>
        {
            done++;
            if (Console.IsOutputRedirected) return;
            // Time left for this stage, from the average epoch so far.
            var left = TimeSpan.FromTicks(watch.Elapsed.Ticks / done * Math.Max(0, report.TotalEpochs - report.Epoch));
            Console.WriteLine($"  {name}: {report} — about {left.TotalSeconds:F0} s left in this stage");
        };
    }
}
