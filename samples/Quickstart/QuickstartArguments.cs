/// <summary>Command-line options of the Quickstart sample.</summary>
internal sealed record QuickstartArguments(string? DataDirectory, int Epochs, int BatchSize, int? Rows, string OutputDirectory)
{
    public static QuickstartArguments? Parse(string[] args)
    {
        string? data = null, output = null;
        // 8,000 embedded training rows give 125 steps per epoch at batch 64: 40 epochs is about the number of Adam
        // steps the reference model gets from 20 epochs on 60,000 rows at batch 256.
        int epochs = 40, batchSize = 64;
        int? rows = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--data": data = Next(); break;
                case "--epochs" when int.TryParse(Next(), out var e) && e > 0: epochs = e; break;
                case "--batch-size" when int.TryParse(Next(), out var b) && b > 0: batchSize = b; break;
                case "--rows" when int.TryParse(Next(), out var r) && r > 0: rows = r; break;
                case "--output": output = Next(); break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
                    Console.Error.WriteLine("usage: Quickstart [--data DIR] [--epochs N] [--batch-size N] [--rows N] [--output DIR]");
                    return null;
            }
        }
        output ??= Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "output");
        return new QuickstartArguments(data, epochs, batchSize, rows, Path.GetFullPath(output));
    }
}
