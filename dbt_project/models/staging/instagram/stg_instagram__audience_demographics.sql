{{ stg_audience_demographics(source('raw', 'instagram__audience_demographics')) }}
