using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders;

/// <summary>
/// Describes the columns an autoencoder adds as <see cref="SchemaShape.Column"/>s. Their constructor is internal to ML.NET,
/// so the shapes come from a public estimator's output schema: a CustomMapping whose output row has the same column types.
/// The mapping never runs.
/// </summary>
internal static class AddedColumnShapes
{
    private sealed class NoInput { }

    private sealed class Added
    {
        public float[] Latent = [];
        public float[] Reconstruction = [];
        public float[] Error = [];
    }

    public static IEnumerable<SchemaShape.Column> Describe(TransformsCatalog transforms, string latent, string? reconstruction, string? error)
    {
        var definition = SchemaDefinition.Create(typeof(Added));
        definition[nameof(Added.Latent)].ColumnName = latent;
        definition[nameof(Added.Latent)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1);
        definition[nameof(Added.Reconstruction)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1);
        if (reconstruction is null) definition.RemoveAll(c => c.MemberName == nameof(Added.Reconstruction));
        else definition[nameof(Added.Reconstruction)].ColumnName = reconstruction;
        if (error is null) definition.RemoveAll(c => c.MemberName == nameof(Added.Error));
        else
        {
            definition[nameof(Added.Error)].ColumnName = error;
            definition[nameof(Added.Error)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1);
        }
        var estimator = transforms.CustomMapping<NoInput, Added>((_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        var names = definition.Select(c => c.ColumnName).ToHashSet();
        return estimator.GetOutputSchema(new SchemaShape([])).Where(c => names.Contains(c.Name)).ToArray();
    }
}
