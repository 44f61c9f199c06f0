using System.Diagnostics;
using System.Globalization;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>Resident memory and CPU use of this process and of the machine, read from /proc as ref.py reads them.</summary>
internal static class ProcessStats
{
    /// <summary>Peak resident set size so far (VmHWM), MB.</summary>
    public static double PeakRssMb => StatusKb("VmHWM") / 1024.0;

    /// <summary>Resident set size now (VmRSS), MB.</summary>
    public static double RssMb => StatusKb("VmRSS") / 1024.0;

    private static long StatusKb(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                // "VmRSS:\t  723456 kB": the kernel pads the number to 8 characters, so from 10 GB on no space follows the tab.
                return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        return -1;
    }

    /// <summary>A reading of the machine's busy time and this process's CPU time, to compute the load of other processes.</summary>
    public readonly record struct CpuReading(long MachineBusyJiffies, long MachineTotalJiffies, TimeSpan OwnCpu)
    {
        public static CpuReading Now()
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            long idle = fields[3] + fields[4];
            long total = fields.Sum();
            return new CpuReading(total - idle, total, Process.GetCurrentProcess().TotalProcessorTime);
        }

        /// <summary>Cores used by other processes between <paramref name="start"/> and this reading (as ref.py's "foreign load").</summary>
        public double ForeignCoresSince(CpuReading start)
        {
            double totalJiffies = MachineTotalJiffies - start.MachineTotalJiffies;
            if (totalJiffies <= 0) return 0;
            double busyShare = (MachineBusyJiffies - start.MachineBusyJiffies) / totalJiffies * Environment.ProcessorCount;
            double wallSeconds = totalJiffies / Environment.ProcessorCount / 100.0; // USER_HZ = 100
            double ownCores = (OwnCpu - start.OwnCpu).TotalSeconds / wallSeconds;
            return Math.Max(0, busyShare - ownCores);
        }
    }
}
