{{ stg_audience_demographics(source('raw', 'linkedin__audience_demographics')) }}
