{{ stg_audience_demographics(source('raw', 'youtube__audience_demographics')) }}
