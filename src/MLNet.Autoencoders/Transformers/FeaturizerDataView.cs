using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Inference;

namespace MLNet.Autoencoders.Transformers;

/// <summary>
/// The lazy result of a featurizer's Transform (<see cref="AutoencoderTransformer"/>, <see cref="VaeTransformer"/>): the input's
/// columns plus the featurizer's.
/// Rows are scored in batches: a second cursor over the input reads the feature column ahead, a batch at a time, and
/// ONNX Runtime scores the whole batch in one call, while the consumer's cursor passes every input column through untouched.
/// Both input cursors are unshuffled, so they visit the same rows in the same order.
/// </summary>
internal sealed class FeaturizerDataView : IDataView
{
    internal const int BatchRows = 1024;

    private readonly IDataView source;
    private readonly OutputColumns outputs;
    private readonly OnnxBatchScorer scorer;

    public FeaturizerDataView(IDataView source, OutputColumns outputs, OnnxBatchScorer scorer)
    {
        this.source = source;
        this.outputs = outputs;
        this.scorer = scorer;
        Schema = outputs.AppendTo(source.Schema);
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int sourceCount = source.Schema.Count;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var passThrough = needed.Where(i => i < sourceCount).Select(i => source.Schema[i]).ToList();
        bool[] active = Enumerable.Range(0, outputs.Count).Select(k => needed.Contains(sourceCount + k)).ToArray();
        return new Cursor(this, source.GetRowCursor(passThrough), active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly FeaturizerDataView parent;
        private readonly DataViewRowCursor main;
        private readonly bool[] active;
        private readonly DataViewRowCursor? ahead;
        private readonly ValueGetter<VBuffer<float>>? aheadGetter;
        private readonly float[]? input;
        // One buffer per output column (null when the column is inactive), and the scorer's view of the active ones.
        private readonly float[]?[] buffers;
        private readonly OutputBuffer[] requested = [];
        private VBuffer<float> row;
        private int batchCount, batchPosition;

        public Cursor(FeaturizerDataView parent, DataViewRowCursor main, bool[] active)
        {
            this.parent = parent;
            this.main = main;
            this.active = active;
            buffers = new float[]?[active.Length];
            if (!active.Any(a => a)) return;
            var inputColumn = parent.source.Schema[parent.outputs.InputColumn];
            ahead = parent.source.GetRowCursor([inputColumn]);
            aheadGetter = ahead.GetGetter<VBuffer<float>>(inputColumn);
            input = new float[BatchRows * parent.outputs.InputSize];
            var list = new List<OutputBuffer>();
            for (int slot = 0; slot < active.Length; slot++)
            {
                if (!active[slot]) continue;
                var column = parent.outputs[slot];
                buffers[slot] = new float[BatchRows * column.Width];
                list.Add(new OutputBuffer(column.Tensor, buffers[slot]!, column.Width));
            }
            requested = list.ToArray();
        }

        public override long Position => main.Position;

        public override long Batch => main.Batch;

        public override DataViewSchema Schema => parent.Schema;

        public override ValueGetter<DataViewRowId> GetIdGetter() => main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            int sourceCount = parent.source.Schema.Count;
            return column.Index < sourceCount ? main.IsColumnActive(parent.source.Schema[column.Index]) : active[column.Index - sourceCount];
        }

        public override bool MoveNext()
        {
            if (!main.MoveNext()) return false;
            if (ahead is null) return true;
            if (++batchPosition >= batchCount) FillBatch();
            return true;
        }

        private void FillBatch()
        {
            int d = parent.outputs.InputSize;
            int count = 0;
            while (count < BatchRows && ahead!.MoveNext())
            {
                aheadGetter!(ref row);
                if (row.Length != d)
                    throw new InvalidOperationException($"Column '{parent.outputs.InputColumn}' has a row with {row.Length} values, but the model expects {d}.");
                row.CopyTo(input.AsSpan(count * d, d));
                count++;
            }
            if (count == 0)
                throw new InvalidOperationException("The input data returned fewer rows on a second pass than on the first; the model needs data that reads the same each time.");
            parent.scorer.Score(input!, count, requested);
            batchCount = count;
            batchPosition = 0;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int sourceCount = parent.source.Schema.Count;
            if (column.Index < sourceCount)
                return main.GetGetter<TValue>(parent.source.Schema[column.Index]);
            int slot = column.Index - sourceCount;
            if (!active[slot])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            Delegate getter = VectorGetter(buffers[slot]!, parent.outputs[slot].Width);
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}, not {typeof(TValue).Name}.");
        }

        private ValueGetter<VBuffer<float>> VectorGetter(float[] buffer, int width) => (ref VBuffer<float> value) =>
        {
            var editor = VBufferEditor.Create(ref value, width);
            buffer.AsSpan(batchPosition * width, width).CopyTo(editor.Values);
            value = editor.Commit();
        };

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                main.Dispose();
                ahead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
