using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Transformers;

/// <summary>The columns an autoencoder adds, in order: the latent, then the reconstruction and the error when requested.</summary>
internal sealed class OutputColumns
{
    public const int LatentSlot = 0, ReconstructionSlot = 1, ErrorSlot = 2;

    private readonly List<(int Kind, string Name, DataViewType Type)> columns = new();

    public OutputColumns(string inputColumn, int inputSize, string latentColumn, int latentSize, string? reconstructionColumn, string? errorColumn)
    {
        InputColumn = inputColumn;
        columns.Add((LatentSlot, latentColumn, new VectorDataViewType(NumberDataViewType.Single, latentSize)));
        if (reconstructionColumn is not null)
            columns.Add((ReconstructionSlot, reconstructionColumn, new VectorDataViewType(NumberDataViewType.Single, inputSize)));
        if (errorColumn is not null)
            columns.Add((ErrorSlot, errorColumn, new VectorDataViewType(NumberDataViewType.Single, 1)));
    }

    public string InputColumn { get; }

    public int Count => columns.Count;

    public IEnumerable<string> Names => columns.Select(c => c.Name);

    public int SlotKind(int slot) => columns[slot].Kind;

    public bool Has(int kind) => columns.Any(c => c.Kind == kind);

    public int IndexOf(int kind) => columns.FindIndex(c => c.Kind == kind);

    /// <summary>The input schema with the output columns added last (hiding any input column of the same name).</summary>
    public DataViewSchema AppendTo(DataViewSchema input)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (_, name, type) in columns)
            builder.AddColumn(name, type);
        return builder.ToSchema();
    }
}
