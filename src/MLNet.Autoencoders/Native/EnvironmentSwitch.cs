namespace MLNet.Autoencoders.Native;

/// <summary>How the library reads the environment variables that turn one of its process-wide changes off.</summary>
internal static class EnvironmentSwitch
{
    /// <summary>Whether <paramref name="value"/> turns a change off: <c>0</c> or <c>false</c> (any case, spaces ignored).</summary>
    public static bool IsOff(string? value)
    {
        string? trimmed = value?.Trim();
        return trimmed == "0" || "false".Equals(trimmed, StringComparison.OrdinalIgnoreCase);
    }
}
