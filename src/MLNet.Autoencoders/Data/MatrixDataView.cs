using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Data;

/// <summary>
/// An <see cref="IDataView"/> straight over a row-major matrix: a known-size Single vector column and, optionally, a
/// Single label column before it. Unlike <c>LoadFromEnumerable</c> it copies each row directly into the caller's reusable
/// buffer (no per-row array), knows its row count, and supports shuffled cursors. The arrays are not copied.
/// </summary>
internal sealed class MatrixDataView : IDataView
{
    private readonly float[] _features;
    private readonly float[]? _labels;
    private readonly int _count;
    private readonly int _width;
    private readonly int _featureIndex;

    public MatrixDataView(float[] features, int rows, int columns, string featureColumnName, float[]? labels = null, string labelColumnName = "Label")
    {
        if ((long)rows * columns > features.Length) throw new ArgumentException($"{rows} rows of {columns} need {(long)rows * columns} values; the buffer has {features.Length}.");
        if (labels is not null && labels.Length < rows) throw new ArgumentException($"{rows} rows need {rows} labels; there are {labels.Length}.");
        _features = features;
        _labels = labels;
        _count = rows;
        _width = columns;
        var builder = new DataViewSchema.Builder();
        if (labels is not null) builder.AddColumn(labelColumnName, NumberDataViewType.Single);
        builder.AddColumn(featureColumnName, new VectorDataViewType(NumberDataViewType.Single, columns));
        _featureIndex = labels is null ? 0 : 1;
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => true;

    /// <summary>The feature matrix itself, when <paramref name="columnName"/> is this view's feature column: training can then
    /// use the caller's buffer instead of reading a copy of it (saves rows × columns × 4 bytes for the whole fit).</summary>
    public FeatureMatrix? SharedFeatures(string columnName) =>
        Schema.GetColumnOrNull(columnName)?.Index == _featureIndex
            ? new FeatureMatrix(_features, _count, _width)
            : null;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        return new Cursor(this, active, rand is null ? null : Permutation(rand, _count));
    }

    // The arrays are in memory and a cursor is cheap, so a single cursor is as good as a parallel set.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static int[] Permutation(Random rand, int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
            order[i] = i;
        rand.Shuffle(order);
        return order;
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly MatrixDataView _parent;
        private readonly bool[] _active;
        private readonly int[]? _order;
        private long _position = -1;
        private int _row = -1;

        public Cursor(MatrixDataView parent, bool[] active, int[]? order)
        {
            _parent = parent;
            _active = active;
            _order = order;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _parent._count)
            {
                // Stay past the end so repeated calls keep returning false.
                _position = _parent._count;
                _row = -1;
                return false;
            }
            _position++;
            _row = _order is null ? (int)_position : _order[_position];
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        // The id is the row's index in the file, so it is unique and stable across shuffled cursors.
        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) =>
            {
                EnsureOnRow();
                value = new DataViewRowId((ulong)_row, 0);
            };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= _active.Length || !_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");

            var parent = _parent;
            Delegate getter;
            if (column.Index != parent._featureIndex)
            {
                if (typeof(TValue) != typeof(float))
                    throw TypeMismatch(column, typeof(float));
                getter = (ValueGetter<float>)((ref float value) =>
                {
                    EnsureOnRow();
                    value = parent._labels![_row];
                });
            }
            else
            {
                if (typeof(TValue) != typeof(VBuffer<float>))
                    throw TypeMismatch(column, typeof(VBuffer<float>));
                getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    EnsureOnRow();
                    // The editor reuses the caller's arrays when they are big enough, so rows cost no allocation.
                    var editor = VBufferEditor.Create(ref value, parent._width);
                    parent._features.AsSpan(_row * parent._width, parent._width).CopyTo(editor.Values);
                    value = editor.Commit();
                });
            }
            return (ValueGetter<TValue>)getter;
        }

        private void EnsureOnRow()
        {
            if (_row < 0)
                throw new InvalidOperationException("The cursor is not on a row; call MoveNext first and check it returned true.");
        }

        private static InvalidOperationException TypeMismatch(DataViewSchema.Column column, Type expected) =>
            new($"Column '{column.Name}' holds {expected.Name} values; a getter of a different type was requested.");
    }
}
